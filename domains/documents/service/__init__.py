"""Use cases of the documents domain; all its SQL, and the file store. Nothing here commits: each
runs inside the operation's (or the workflow step's) transaction."""
