"""Papers of the graph-format migration test (tests/test_migrate.py): the cases the leaner
encoding must round-trip — a sentence that is the whole title, sentences and texts inside
the abstract (accents, a character outside the BMP), a sentence and a text the field does
not hold, a mention without evidence, a curated mention, co-occurring concepts.
``tests/data/format1.nt`` is what paper-kg wrote for them before the format was recorded
(format 1), made once from this module with that version's ``write_papers`` and
``refresh_derived``."""

from __future__ import annotations

from kg.model import Author, ConceptInfo, ConceptLink, Curated, Mention, Paper, PaperGraph

ABSTRACT = ("We train Vision Transformers on ImageNet. Müller's 𝒜-ViT beats ResNet. "
            "ViT is simple.")


def concepts() -> list[ConceptInfo]:
    return [ConceptInfo("concept:vit", "ViT", "architecture", ["Vision Transformer"],
                        ["concept:transformer"]),
            ConceptInfo("concept:transformer", "Transformer", "architecture"),
            ConceptInfo("concept:imagenet", "ImageNet", "benchmark"),
            ConceptInfo("concept:resnet", "ResNet", "architecture")]


def papers() -> list[PaperGraph]:
    title = "ViT on ImageNet"
    vit = Paper(title, ABSTRACT, [Author("Alan Müller"), Author("Zoë Ng")], year=2021,
                arxiv_id="2101.00001", sources=["f.jsonl:1"])

    def at(text: str, field: str, sentence: str, nth: int = 0) -> Mention:
        body = title if field == "title" else ABSTRACT
        start = -1
        for _ in range(nth + 1):
            start = body.index(text, start + 1)
        return Mention(text, field, start, start + len(text), sentence)

    first, second, third = ("We train Vision Transformers on ImageNet.",
                            "Müller's 𝒜-ViT beats ResNet.", "ViT is simple.")
    links = [
        ConceptLink("concept:vit", "ViT", "architecture", True, 0.91,
                    [at("ViT", "title", title), at("ViT", "abstract", second),
                     at("ViT", "abstract", third, nth=1)]),
        ConceptLink("concept:imagenet", "ImageNet", "benchmark", False, 0.8,
                    [at("ImageNet", "title", title), at("ImageNet", "abstract", first),
                     # evidence the field does not hold as given: kept as stored
                     Mention("Imagenet", "abstract", 33, 41, "a sentence not in the abstract")]),
        ConceptLink("concept:resnet", "ResNet", "architecture", False, 0.6,
                    [at("ResNet", "abstract", second)],
                    curated=Curated("ana", "2026-11-30T10:00:00Z")),
        ConceptLink("concept:transformer", "Transformer", "architecture", False, 0.5, []),
    ]
    plain = Paper("Residual networks", "", [Author("Kai He")], year=2016, doi="10.1/res")
    return [PaperGraph(vit, links),
            PaperGraph(plain, [ConceptLink("concept:resnet", "ResNet", "architecture", True,
                                           0.9, [Mention("Residual networks", "title", 0, 17,
                                                         "Residual networks")])])]
