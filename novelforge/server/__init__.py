"""``novelforge serve``: an optional HTTP server that opens a project's git repository to
collaborators who do not use git (docs/server.md).

Nothing here is imported by the command line until ``novelforge serve`` (or an admin
command: ``users``, ``members``) runs; the web framework is imported only by :mod:`.app`.

==================  ==============================================================
module              what it holds
==================  ==============================================================
:mod:`.store`       the SQLite database under ``--data``: users, memberships, refresh
                    tokens, the audit log; its migrations
:mod:`.passwords`   argon2id hashing, verification and rehashing
:mod:`.tokens`      the signing secret, access tokens (JWT), refresh tokens
:mod:`.ratelimit`   failed sign-ins per account and per address
:mod:`.roles`       Owner, Editor, Viewer, and the rule of every route
:mod:`.projects`    the project repositories under ``--projects``, safe paths
:mod:`.gitwrite`    commits authored by a user, through git's plumbing, under a lock
:mod:`.app`         the FastAPI application and its routes
==================  ==============================================================

Threat model in short: the manuscript repositories may hold anything a collaborator
pushed (hooks, filters, symlinks); the database and the signing secret live outside
them, under ``--data``; a request never learns whether a project it is not a member of
exists (404), never sees a stack trace, and is refused before it reaches git or the
disk when its path or its body is not one the server would write.
"""
