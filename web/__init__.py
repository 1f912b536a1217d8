"""The Flask app and the ``skh`` command line: the outermost layer."""
