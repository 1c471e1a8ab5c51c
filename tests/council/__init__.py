"""The council app: people and roles, the outbox, the audit log, data protection, uploads,
history, sign-in and sessions."""
