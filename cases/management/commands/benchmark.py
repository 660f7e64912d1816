import importlib
import json
import resource
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cases.benchmarks import SECTIONS
from cases.demo import seed as demo


class Command(BaseCommand):
    help = "Measure Navigator on a synthetic data set; prints one JSON object on stdout."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=7, help="runs per measurement")
        parser.add_argument(
            "--deliveries", type=int, default=500, help="deliveries sent through a real worker"
        )
        parser.add_argument(
            "--only", action="append", default=[], help="run only these sections (repeatable)"
        )

    def handle(self, *args, **options):
        # 1. The schema and the data set: built on first use, reused (or topped up) after;
        #    `seed_s` is what this run spent on it.
        call_command("migrate", verbosity=0, interactive=False)
        demo.ensure_team()
        started, cpu_started = time.perf_counter(), time.process_time()
        demo.seed_bulk(options["cases"])
        result: dict = {
            "seed_s": round(time.perf_counter() - started, 1),
            # CPU seconds of this process: what seeding costs when other work shares the cores.
            "seed_cpu_s": round(time.process_time() - cpu_started, 1),
        }
        # 2. Each section's measurements, merged.
        for name in SECTIONS:
            if options["only"] and name not in options["only"]:
                continue
            module = importlib.import_module(f"cases.benchmarks.{name}")
            result.update(module.measure(options))
        # 3. The most resident memory this process reached (Linux reports kilobytes).
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        self.stdout.write(json.dumps(result, sort_keys=True))
