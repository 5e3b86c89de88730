"""The what-if page in the browser (`landbridge serve`): a Dash app over the scenario
format, the executor seam and the results store. A top layer, like the command line:
nothing below imports it, and it imports Dash only when a page is served."""

from landbridge.web.server import Server, running_server, serve

__all__ = ["Server", "running_server", "serve"]
