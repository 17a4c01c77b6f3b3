"""One module per `nightshift` subcommand."""
