"""Exports made in the background (large register files, the monthly workbook) and the
monthly close: selectors (who may see a job), services (start, cancel, retry, close a
month, delete expired files), the runner (what a worker does) and the task."""
