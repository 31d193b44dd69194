"""`make bench`: how fast the matcher reads articles as the rules grow, against a naive baseline.

Performance goals live here and nowhere else: unit tests run on shared, noisy machines, so a
timed assertion there would fail at random. The benchmark prints its numbers, says PASS or FAIL
for each goal, and exits 1 when a goal fails, so a human or CI notices without flaky tests.

Everything is generated deterministically (`corpus`): organisations with distinct invented
names in Russian, English and German, and mixed-language news articles that mention a few of
them with Russian inflections and carry the figures the starter metrics read.
"""
