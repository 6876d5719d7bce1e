"""Persistence behind the domain's store interface (`impl.domain.ports`). SQLite is the embedded default."""
