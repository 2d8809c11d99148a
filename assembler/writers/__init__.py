"""Writers: one module per output family. Each takes domain objects and returns bytes/text."""
