"""Reads a Prometheus text exposition on stdin and prints its samples as JSON, parsed by the
Prometheus project's own Python client (Debian's python3-prometheus-client): a real parser,
so that a malformed exposition fails the test instead of being read leniently."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = [
    {
        "name": family.name,
        "type": family.type,
        "samples": [{"name": s.name, "labels": s.labels, "value": s.value} for s in family.samples],
    }
    for family in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
