"""Background work for the measure library: large imports run here with progress."""

from celery import shared_task

from . import services


@shared_task
def run_import_job(job_id: int) -> str:
    """Run one import job by id (idempotent: a finished job is left alone)."""
    return services.import_job_run(job_id=job_id).status
