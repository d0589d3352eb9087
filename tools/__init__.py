"""Development tools beside the runtime: the synthetic generator (also behind `lis demo`) and the
SQL style check."""
