"""Site discovery: which unmonitored domains the monitored sites and their advertisers link
to, how that changes between snapshots, and what a person decided about each.

Pure core: no Scrapy. The crawl hands each listing's linked domains to ``links`` in
memory; ``tally`` turns them into indicators of ``Breakdown.LINKED_DOMAIN`` after
consolidation, keeping only domains above the floor (docs/PRIVACY.md); ``candidates``
reads them back for ``adcensus discover``; ``states`` keeps what a person decided;
``probe`` looks at a domain given by hand; ``skeleton`` writes an adopted domain's site
definition to complete.
"""
