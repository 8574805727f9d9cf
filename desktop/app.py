"""The editor's entry: a QApplication on a qasync event loop, the main window, optionally a project."""
from __future__ import annotations

import argparse
import sys


def _parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="framesmith", description="Framesmith video editor")
    parser.add_argument("project", nargs="?", help="an .otio project to open")
    parser.add_argument("--model-dir", action="append", default=[], metavar="DIR",
                        help="a folder of local diffusers video models (repeatable; remembered)")
    return parser.parse_args(argv)


def run_app(argv: list[str]) -> int:
    args = _parse(argv)
    from PySide6.QtWidgets import QApplication

    from desktop.ui import theme
    from desktop.ui.collector import collecting_on_the_ui_thread

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Framesmith")
    app.setOrganizationName("Framesmith")
    theme.apply(app)
    with collecting_on_the_ui_thread():
        return _run_window(app, args)


def _run_window(app, args: argparse.Namespace) -> int:
    import asyncio

    import qasync
    from PySide6.QtCore import QTimer

    from desktop.ui.main_window import MainWindow

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow()
    for folder in args.model_dir:
        window.add_model_folder(folder)
    if window.settings.value("window/geometry") is None:
        window.showMaximized()
    else:
        window.show()
    QTimer.singleShot(3000, window.generation.warm_up)
    if args.project:
        window.open_project(args.project)
    else:
        QTimer.singleShot(0, window.files.offer_untitled_recovery)
    with loop:
        return loop.run_until_complete(_until_quit(app)) or 0


async def _until_quit(app) -> int:
    import asyncio

    done = asyncio.get_event_loop().create_future()
    app.aboutToQuit.connect(lambda: done.done() or done.set_result(0))
    return await done
