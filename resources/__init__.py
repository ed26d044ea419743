"""Icons, the stylesheet and the README screenshot, loaded with importlib.resources."""
