from nebula_desktop.app import run

run()
