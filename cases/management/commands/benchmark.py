import importlib
import json

from django.core.management.base import BaseCommand

from cases.benchmarks import SECTIONS


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
        result: dict = {}
        for name in SECTIONS:
            if options["only"] and name not in options["only"]:
                continue
            module = importlib.import_module(f"cases.benchmarks.{name}")
            result.update(module.measure(options))
        self.stdout.write(json.dumps(result, sort_keys=True))
