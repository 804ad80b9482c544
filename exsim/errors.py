"""UserError: the base of every mistake a user can make (config, data, options, paths).

The command line turns a UserError into one line on stderr and exit code 2; anything else is a
bug in exsim and is reported as such (with the traceback under --debug).
"""


class UserError(ValueError):
    """A mistake in the user's input; the message names the culprit and how to fix it."""
