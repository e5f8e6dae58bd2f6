"""Batches: planning outputs for many case files, stamps for --skip-unchanged, parallel workers."""
