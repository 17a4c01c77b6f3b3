"""The running show and the `nightshift` command: sources → dialogue → gate → voice → avatar → sinks."""
