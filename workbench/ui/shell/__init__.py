"""The shell: main window, area registry, first run, crash hook, help, warm-up of the areas."""
