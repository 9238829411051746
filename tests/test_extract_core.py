"""Behaviour of the concept extractor on hand-written papers with a small vocabulary."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import spacy

from kg.extract import Extractor, PaperConcepts, load_vocabulary
from kg.extract.canonical import coined_id, match_key
from kg.extract.vocabulary import VocabularyMatcher
from kg.model import Paper

VOCAB = """id,name,type,aliases,broader,variants
vit,Vision Transformer,architecture,ViT,transformer,fold
transformer,Transformer,architecture,,,
bert,BERT,architecture,,transformer,fold
llama,LLaMA,architecture,Llama,,fold
llama-2,Llama 2,architecture,LLaMA 2|LLaMA-2,llama,fold
llm,Large language model,architecture,LLM,,
clip,CLIP,architecture,Contrastive Language-Image Pre-training,,
imagenet,ImageNet,benchmark,,,
knowledge-distillation,Knowledge distillation,method,,,
informer,Informer Gadget,method,,,
"""


@pytest.fixture
def vocab(tmp_path: Path) -> Path:
    path = tmp_path / "vocab.csv"
    path.write_text(VOCAB, encoding="utf-8")
    return path


@pytest.fixture
def extractor(vocab: Path) -> Extractor:
    ex = Extractor([vocab])
    # Only the test vocabulary: keep results independent of the shipped file's growth.
    ex.entries = load_vocabulary([vocab], include_default=False)
    ex.nlp.get_pipe("paper_kg_concepts").configure(ex.entries)
    return ex


def by_name(result: PaperConcepts) -> dict[str, object]:
    return {c.name: c for c in result.concepts}


def test_variants_merge_into_one_concept(extractor: Extractor) -> None:
    paper = Paper(
        title="Scaling ViTs",
        abstract="Vision Transformers are strong. A vision-transformer and the ViT differ.",
    )
    result = extractor.extract_one(paper)
    vit = [c for c in result.concepts if c.id == "concept:vit"]
    assert len(vit) == 1
    assert {m.text for m in vit[0].mentions} == {
        "ViTs",
        "Vision Transformers",
        "vision-transformer",
        "ViT",
    }
    assert "concept:transformer" not in {c.id for c in result.concepts}


def test_size_variants_fold_but_versions_stay_distinct(extractor: Extractor) -> None:
    paper = Paper(
        title="Probing",
        abstract="We compare BERT-base, BERT-large, LLaMA-7B and Llama 2-13B with ViT-B/16.",
    )
    concepts = by_name(extractor.extract_one(paper))
    assert {m.text for m in concepts["BERT"].mentions} == {"BERT-base", "BERT-large"}
    assert [m.text for m in concepts["LLaMA"].mentions] == ["LLaMA-7B"]
    assert [m.text for m in concepts["Llama 2"].mentions] == ["Llama 2-13B"]
    assert [m.text for m in concepts["Vision Transformer"].mentions] == ["ViT-B/16"]


def test_abbreviation_links_long_form_and_short_form(extractor: Extractor) -> None:
    paper = Paper(
        title="MUFASA: Multimodal Fusion Architecture Search for Health Records",
        abstract="We propose MUltimodal Fusion Architecture SeArch (MUFASA), a method to search "
        "fusion strategies. MUFASA outperforms baselines on ImageNet.",
    )
    concepts = by_name(extractor.extract_one(paper))
    mufasa = concepts["MUFASA"]
    assert mufasa.proposed and mufasa.source == "coined" and mufasa.type == "method"
    texts = {m.text for m in mufasa.mentions}
    assert {"MUFASA", "MUltimodal Fusion Architecture SeArch"} <= texts
    assert {m.field for m in mufasa.mentions} == {"title", "abstract"}
    assert not concepts["ImageNet"].proposed


def test_vocabulary_long_form_adopts_unknown_abbreviation(extractor: Extractor) -> None:
    paper = Paper(title="t", abstract="Large language models (LLMs) are big. LLMs talk.")
    concepts = by_name(extractor.extract_one(paper))
    assert set(concepts) == {"Large language model"}


def test_coined_name_found_typed_and_proposed(extractor: Extractor) -> None:
    paper = Paper(
        title="Efficient forecasting of long sequences",
        abstract="In this paper we propose EvolveDirector, a framework that trains models. "
        "We also release TinyBench, a benchmark of 50 tasks. EvolveDirector is fast.",
    )
    concepts = by_name(extractor.extract_one(paper))
    assert concepts["EvolveDirector"].proposed
    assert concepts["EvolveDirector"].type == "method"
    assert concepts["EvolveDirector"].id == "concept:evolvedirector"
    assert len(concepts["EvolveDirector"].mentions) == 2
    assert concepts["TinyBench"].type == "benchmark"


def test_title_name_is_proposed_and_used_names_are_not(extractor: Extractor) -> None:
    paper = Paper(
        title="U-REPA: Aligning Diffusion U-Nets to ViTs",
        abstract="U-REPA improves training. We evaluate on GenEval, WISE and ImgEdit benchmarks.",
    )
    concepts = by_name(extractor.extract_one(paper))
    assert concepts["U-REPA"].proposed
    for name in ("GenEval", "WISE", "ImgEdit"):
        assert concepts[name].type == "benchmark" and not concepts[name].proposed


def test_generic_phrases_tasks_metrics_and_hardware_rejected(extractor: Extractor) -> None:
    paper = Paper(
        title="A Survey: Deep Learning",
        abstract="We propose a novel framework for image classification using deep learning. "
        "Our model improves FID and BLEU on an NVIDIA A100 GPU with 7B parameters. "
        "Application programming interfaces (APIs) and question answering (QA) are used. "
        "Code is at https://github.com/foo/bar.",
    )
    result = extractor.extract_one(paper)
    assert result.concepts == [], [c.name for c in result.concepts]


def test_case_rule_keeps_common_words_out(extractor: Extractor) -> None:
    paper = Paper(title="t", abstract="Each video clip is short; we use CLIP features.")
    concepts = by_name(extractor.extract_one(paper))
    assert [m.text for m in concepts["CLIP"].mentions] == ["CLIP"]


def test_offsets_point_at_the_text(extractor: Extractor) -> None:
    paper = Paper(
        title="Distilling ViT into BERT",
        abstract="First sentence here. We use knowledge distillation on ImageNet! Done.",
    )
    result = extractor.extract_one(paper)
    assert result.concepts
    for concept in result.concepts:
        for m in concept.mentions:
            field_text = paper.title if m.field == "title" else paper.abstract
            assert field_text[m.start : m.end] == m.text
            assert m.text in m.sentence
    kd = by_name(result)["Knowledge distillation"].mentions[0]
    assert kd.sentence == "We use knowledge distillation on ImageNet!"


def test_json_contract(extractor: Extractor) -> None:
    paper = Paper(title="Informer: Beyond Transformers", abstract="We present Informer.")
    data = json.loads(json.dumps(extractor.extract_one(paper).to_json()))
    assert data["id"] == paper.id and data["title"] == paper.title
    for concept in data["concepts"]:
        assert set(concept) == {"id", "name", "type", "proposed", "confidence", "mentions"}
        assert concept["id"].startswith("concept:")
        assert concept["type"] in {"architecture", "benchmark", "method"}
        assert 0 <= concept["confidence"] <= 1
        for m in concept["mentions"]:
            assert set(m) == {"text", "field", "start", "end", "sentence"}


def test_coined_id_never_collides_with_vocabulary(extractor: Extractor) -> None:
    # "Informer" slugs to "informer", a vocabulary id naming a different thing here.
    paper = Paper(title="Informer: Beyond Transformers", abstract="We present Informer.")
    concepts = by_name(extractor.extract_one(paper))
    assert concepts["Informer"].id != "concept:informer"
    assert concepts["Informer"].id == coined_id("Informer", {"informer"})
    assert concepts["Informer"].proposed


def test_match_key_folds_variants() -> None:
    forms = ["Vision Transformers", "vision-transformer", "VisionTransformer"]
    keys = {match_key(s) for s in forms}
    assert len(keys) == 1
    assert match_key("Llama 2") != match_key("LLaMA")


def test_component_in_a_users_pipeline(vocab: Path) -> None:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe(
        "paper_kg_concepts",
        config={"vocabularies": [str(vocab)], "default_vocabulary": False},
    )
    doc = nlp("We train a ViT on ImageNet. It works.")
    assert {c["id"] for c in doc._.paper_kg} == {"concept:vit", "concept:imagenet"}
    assert {(s.text, s.label_, s.kb_id_) for s in doc.spans["paper_kg"]} == {
        ("ViT", "architecture", "concept:vit"),
        ("ImageNet", "benchmark", "concept:imagenet"),
    }
    assert all(m["field"] == "text" for c in doc._.paper_kg for m in c["mentions"])


def test_skos_vocabulary(tmp_path: Path) -> None:
    ttl = tmp_path / "v.ttl"
    ttl.write_text(
        """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix pkg: <https://paper-kg.org/schema#> .
<https://example.org/c/hyena> a skos:Concept, pkg:Architecture ;
    skos:prefLabel "Hyena"@en ; skos:altLabel "HyenaDNA" ;
    skos:broader <https://example.org/c/ssm> .
""",
        encoding="utf-8",
    )
    entries = load_vocabulary([ttl], include_default=False)
    assert [(e.id, e.name, e.type, e.aliases, e.broader) for e in entries] == [
        ("hyena", "Hyena", "architecture", ["HyenaDNA"], ["ssm"])
    ]
    matches = VocabularyMatcher(entries).find("We use HyenaDNA and Hyena.")
    assert [m.entry.id for m in matches] == ["hyena", "hyena"]


def test_jobs_give_same_results(extractor: Extractor) -> None:
    papers = [
        Paper(title=f"Paper {i}", abstract=f"We propose Net{i}Former. It beats ViT on ImageNet.")
        for i in range(20)
    ]
    one = [pc.to_json() for _, pc in extractor.extract(papers, jobs=1, batch_size=4)]
    two = [pc.to_json() for _, pc in extractor.extract(papers, jobs=2, batch_size=4)]
    assert one == two
    assert one[3]["concepts"][0]["name"] == "Net3Former"


PARALLEL_PAPERS = [
    Paper(
        title=f"Glimmer{i}: Sparse Routing for Vision Transformers",
        abstract=f"We introduce Glimmer{i}, a routing network (GR{i}) built on ViT. "
        f"Glimmer{i}'s routers are cheap. Gated Routing Units (GRUs{i}) help. "
        "We evaluate on ImageNet and compare with BERT-base, LLaMA-7B and Llama 2-13B.",
    )
    for i in range(7)
] + [
    Paper(title="Plain", abstract="Nothing to see here."),
    Paper(title="Shared", abstract="We propose Glimmer3-XL, which extends Glimmer3."),
]


def test_jobs_keep_order_concepts_and_coined_aliases(extractor: Extractor) -> None:
    """Workers return the same pairs in input order, and their coined concepts (with the
    aliases seen) reach the parent's concepts() exactly as with one process."""
    serial = list(extractor.extract(PARALLEL_PAPERS, jobs=1))
    serial_concepts = list(extractor.concepts())
    extractor.coined.clear()
    parallel = list(extractor.extract(PARALLEL_PAPERS, jobs=2, batch_size=2))
    assert [p for p, _ in parallel] == [p for p, _ in serial] == PARALLEL_PAPERS
    assert [pc for _, pc in parallel] == [pc for _, pc in serial]
    assert list(extractor.concepts()) == serial_concepts
    assert any(c.source == "coined" and c.aliases for c in serial_concepts)


def test_pickled_extractor_extracts_the_same(extractor: Extractor) -> None:
    """Where workers cannot fork, they get a pickled extractor: same vocabulary, same results."""
    copy = pickle.loads(pickle.dumps(extractor))
    assert [e.id for e in copy.entries] == [e.id for e in extractor.entries]
    assert [pc for _, pc in copy.extract(PARALLEL_PAPERS)] == [
        pc for _, pc in extractor.extract(PARALLEL_PAPERS)
    ]


def test_abbreviation_redefining_a_vocabulary_acronym(extractor: Extractor) -> None:
    paper = Paper(
        title="t",
        abstract="The proposed Contrastive Local Image Pooling (CLIP) is new. CLIP pools well.",
    )
    concepts = by_name(extractor.extract_one(paper))
    assert "CLIP" in concepts and concepts["CLIP"].source == "coined"
    assert concepts["CLIP"].id != "concept:clip" and concepts["CLIP"].proposed
    texts = {m.text for m in concepts["CLIP"].mentions}
    assert texts == {"CLIP", "Contrastive Local Image Pooling"}


def test_explicit_abbreviation_and_plural_classes(extractor: Extractor) -> None:
    paper = Paper(
        title="t",
        abstract="We design a block, dubbed Algorithm Transformer (abbreviated as AlgoFormer). "
        "Unlike deep neural networks (DNNs), AlgoFormer loops.",
    )
    concepts = by_name(extractor.extract_one(paper))
    algo = concepts["AlgoFormer"]
    assert algo.proposed and {m.text for m in algo.mentions} >= {"Algorithm Transformer"}
    assert not concepts["DNNs"].proposed


def test_config_dict_and_min_confidence(vocab: Path) -> None:
    strict = Extractor([vocab], config={"components": {"paper_kg_concepts": {"coined": False}}})
    paper = Paper(title="t", abstract="We propose EvolveDirector and train a ViT.")
    assert [c.name for c in strict.extract_one(paper).concepts] == ["Vision Transformer"]
    loose = Extractor([vocab])
    assert "EvolveDirector" in {c.name for c in loose.extract_one(paper).concepts}
    assert {c.id for c in loose.concepts()} >= {"concept:vit", "concept:evolvedirector"}


def test_a_fresh_process_finds_the_component_and_names_do_not_load_spacy() -> None:
    """spaCy finds ``paper_kg_concepts`` by its entry point with no import of ours, and a
    query's name folding (``match_key``) does not load spaCy."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from kg.extract.canonical import match_key\n"
        "assert match_key('Vision-Transformers') == match_key('vision transformer')\n"
        "assert 'spacy' not in sys.modules, 'match_key loaded spaCy'\n"
        "import spacy\n"
        "nlp = spacy.blank('en'); nlp.add_pipe('sentencizer'); nlp.add_pipe('paper_kg_concepts')\n"
        "print(sorted(c['id'] for c in nlp('We train a ViT on ImageNet.')._.paper_kg))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['concept:imagenet', 'concept:vit']"
