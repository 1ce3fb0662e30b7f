#!/usr/bin/env python3
"""The site's DCAT catalog (data/dcat.jsonld) parses as RDF with rdflib, offline (its
context is written out in the file), and says, in RDF terms, what DCAT-AP asks of a
catalog: every dataset has a title, description, publisher, licence, update frequency,
temporal and spatial coverage and at least one distribution; every distribution a
download URL, media type, byte size and SHA-256 checksum.

usage: validate_dcat.py BUILT_SITE
"""
import sys
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, DCTERMS, RDF

SPDX = Namespace("http://spdx.org/rdf/terms#")

DATASET_NEEDS = [
    DCTERMS.title, DCTERMS.description, DCTERMS.publisher, DCTERMS.license,
    DCTERMS.accrualPeriodicity, DCTERMS.temporal, DCTERMS.spatial, DCAT.distribution,
]
DISTRIBUTION_NEEDS = [DCAT.downloadURL, DCAT.mediaType, DCAT.byteSize, SPDX.checksum]


def main():
    path = Path(sys.argv[1]) / "data" / "dcat.jsonld"
    graph = Graph()
    graph.parse(path, format="json-ld")
    problems = []
    catalogs = list(graph.subjects(RDF.type, DCAT.Catalog))
    if len(catalogs) != 1:
        problems.append(f"{len(catalogs)} dcat:Catalog nodes, expected 1")
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    distributions = list(graph.subjects(RDF.type, DCAT.Distribution))
    for dataset in datasets:
        for needed in DATASET_NEEDS:
            if graph.value(dataset, needed) is None:
                problems.append(f"{dataset}: no {graph.qname(needed)}")
    for distribution in distributions:
        for needed in DISTRIBUTION_NEEDS:
            if graph.value(distribution, needed) is None:
                problems.append(f"{distribution}: no {graph.qname(needed)}")
        checksum = graph.value(distribution, SPDX.checksum)
        value = checksum is not None and graph.value(checksum, SPDX.checksumValue)
        if not value or len(str(value)) != 64:
            problems.append(f"{distribution}: no SHA-256 checksum value")
    if not datasets or not distributions:
        problems.append("no datasets or no distributions")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    print(f"{path}: {len(graph)} triples, {len(datasets)} datasets, "
          f"{len(distributions)} distributions, each complete")


if __name__ == "__main__":
    main()
