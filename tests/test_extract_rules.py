"""General rules added after the error analysis on the dev/dev2 gold: case rules for
run-together names, abbreviations with technique heads, names built on known concepts,
size-suffixed coined names, typing from appositives and the next sentence."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.extract import Extractor, PaperConcepts, load_vocabulary
from kg.extract.coined import abbreviations
from kg.extract.vocabulary import VocabEntry, VocabularyMatcher, is_acronym
from kg.model import Paper

VOCAB = """id,name,type,aliases,broader,variants
flashattention,FlashAttention,method,,,
shap-e,Shap-E,architecture,,,
q-learning,Q-learning,method,,,
detr,DETR,architecture,DEtection TRansformer|Detection Transformer,,
transformer-xl,Transformer-XL,architecture,,,
rag,Retrieval-augmented generation,method,RAG,,
fine-tuning,Fine-tuning,method,,,
llm,Large language model,architecture,LLM,,
wrenvid,WrenVid,architecture,,,
parrot,Parrot,architecture,,,fold
heronbench,HeronBench,benchmark,,,
kestrel,Kestrel,architecture,Kestrel.1|Kestrel.1-pro,,
tits,TitSet,benchmark,,,
tk-buffer,TK buffer,method,tea-kettle buffer,,
spoon-net,Spoon network,architecture,,,
"""


@pytest.fixture
def extractor(tmp_path: Path) -> Extractor:
    path = tmp_path / "vocab.csv"
    path.write_text(VOCAB, encoding="utf-8")
    ex = Extractor([path])
    # Only the test vocabulary: keep results independent of the shipped file's growth.
    ex.entries = load_vocabulary([path], include_default=False)
    ex.nlp.get_pipe("paper_kg_concepts").configure(ex.entries)
    return ex


def run(extractor: Extractor, abstract: str, title: str = "A study") -> PaperConcepts:
    return extractor.extract_one(Paper(title=title, abstract=abstract))


def names(result: PaperConcepts) -> dict[str, tuple[str, set[str]]]:
    return {c.name: (c.type, {m.text for m in c.mentions}) for c in result.concepts}


def test_run_together_capitalised_words_match_in_any_case(extractor: Extractor) -> None:
    found = names(run(extractor, "We speed up decoding with flash-attention and q-learning."))
    assert found["FlashAttention"][1] == {"flash-attention"}
    assert "Q-learning" in found
    assert not is_acronym("ResNet") and is_acronym("GoogLeNet") and is_acronym("CLIP")


def test_final_capital_letter_keeps_ordinary_words_out(extractor: Extractor) -> None:
    found = names(run(extractor, "The shape of the loss matters more than Shap-E suggests."))
    assert found["Shap-E"][1] == {"Shap-E"}


def test_plain_alias_frees_a_mixed_case_alias_with_the_same_key() -> None:
    aliases = ["DEtection TRansformer", "Detection Transformer"]
    entry = VocabEntry("detr", "DETR", "architecture", aliases)
    hits = VocabularyMatcher([entry]).find("Detection transformers are slow to train.")
    assert [(h.entry.id, h.start, h.end) for h in hits] == [("detr", 0, 22)]


def test_abbreviation_with_a_technique_head_is_a_method(extractor: Extractor) -> None:
    result = run(
        extractor,
        "Designs are found via progressive cell search (PCS), and PCS halves the cost.",
        title="Progressive Cell Search for compact detectors",
    )
    found = names(result)
    assert found["PCS"][0] == "method"
    assert {"progressive cell search", "Progressive Cell Search", "PCS"} <= found["PCS"][1]


def test_task_abbreviation_is_rejected_everywhere(extractor: Extractor) -> None:
    result = run(
        extractor,
        "We study sign language recognition (SLR2). Our SLR2 model runs on phones.",
    )
    assert "SLR2" not in names(result)


def test_modifier_on_a_known_concept_names_a_new_concept(extractor: Extractor) -> None:
    found = names(
        run(
            extractor,
            "The proposed architecture, the Gated Transformer-XL (GTrXL), is stable. "
            "Agentic Retrieval-Augmented Generation (Agentic RAG) plans its own queries, "
            "and Agentic RAG systems scale.",
        )
    )
    assert found["GTrXL"][0] == "architecture"
    assert "Gated Transformer-XL" in found["GTrXL"][1]
    assert found["Agentic RAG"][0] == "method"
    assert "Transformer-XL" not in found and "Retrieval-augmented generation" not in found


def test_long_form_ending_in_a_known_method_beats_it(extractor: Extractor) -> None:
    found = names(run(extractor, "Forgetting hurts Sparse Continual Fine-Tuning (SCFT) runs."))
    assert found["SCFT"][0] == "method"
    assert "Fine-tuning" not in found


def test_size_suffix_folds_into_the_coined_name(extractor: Extractor) -> None:
    result = run(
        extractor,
        "We present OrbitCoderX, a coding model. Our OrbitCoderX-32B beats larger models.",
    )
    coined = [c for c in result.concepts if c.source == "coined"]
    assert len(coined) == 1 and coined[0].name == "OrbitCoderX"
    assert {m.text for m in coined[0].mentions} == {"OrbitCoderX", "OrbitCoderX-32B"}
    assert coined[0].type == "architecture" and coined[0].proposed


def test_proposed_name_ending_in_a_class_acronym(extractor: Extractor) -> None:
    result = run(extractor, "We propose Anchor LLM, a novel approach that keeps old skills.")
    found = names(result)
    assert found["Anchor LLM"][0] == "method"
    assert "Anchor" not in found


def test_appositive_with_commas_and_next_sentence_type_a_name(extractor: Extractor) -> None:
    found = names(
        run(
            extractor,
            "We propose QuillForge, an automatic, closed-loop refinement framework. "
            "To close the gap we introduce LanternKit. This framework edits prompts.",
        )
    )
    assert found["QuillForge"][0] == "method"
    assert found["LanternKit"][0] == "method"


def test_subtitle_does_not_type_the_title_name(extractor: Extractor) -> None:
    result = run(
        extractor,
        "The Transformer-based Knowledge Transfer (TransKT) framework trains small students.",
        title="TransKT: Transformer Knowledge Transfer for Segmentation",
    )
    found = names(result)
    assert found["TransKT"][0] == "method"


@pytest.mark.parametrize("verb", ["Revisiting", "Scaling", "Towards", "Beyond"])
def test_title_phrase_before_the_colon_is_no_name(extractor: Extractor, verb: str) -> None:
    # "<gerund or preposition> <name>: ..." is about a concept and coins none; a head that
    # is the name alone still does
    result = run(extractor, "We retrain PebbleNets with a longer schedule.",
                 title=f"{verb} PebbleNets: longer schedules for small kitchens")
    assert not any(name.startswith(verb) for name in names(result))
    result = run(extractor, "We retrain PebbleNets with a longer schedule.",
                 title="PebbleNets: longer schedules for small kitchens")
    assert "PebbleNets" in names(result)


def test_one_letter_abbreviation_defines_no_long_form() -> None:
    # "(K9)" has one letter: Schwartz-Hearst would take any word starting with k for it
    text = "Kettle spoon kernels (K9) and Ladle Sorting Networks (LSN) sort cutlery."
    shorts = {text[s:e]: text[ls:le] for ls, le, s, e in abbreviations(text)}
    assert shorts == {"LSN": "Ladle Sorting Networks"}


def test_name_something_is_measured_on_is_a_benchmark(extractor: Extractor) -> None:
    found = names(run(extractor, "Our sorter reaches 71.2% accuracy on SpoonQA-Hard, and it "
                                 "outperforms LadleLM by 3 points on ForkSet-XL."))
    assert found["SpoonQA-Hard"][0] == "benchmark" and found["ForkSet-XL"][0] == "benchmark"
    # "based on" and "built on" say nothing of what follows
    found = names(run(extractor, "The sorter is based on KettleNet-Pro and built on LadleGPT-X."))
    assert all(kind != "benchmark" for kind, _ in found.values()), found


def test_capitalised_words_before_a_collection_word_are_one_name(extractor: Extractor) -> None:
    found = names(run(extractor, "We report results on the ZebraPuzzle Grid benchmark."))
    assert found.get("ZebraPuzzle Grid") == ("benchmark", {"ZebraPuzzle Grid"}), found
    # a known name before the word: the word continues it, it is no name of its own
    found = names(run(extractor, "We report results on the DETR Sketch benchmark."))
    assert "Sketch" not in found and "DETR Sketch" not in found


def test_version_after_a_coined_name_is_part_of_it(extractor: Extractor) -> None:
    found = names(run(extractor, "We evaluate on the TrellisQA V2 benchmark and the "
                                 "Orchard-Bench 2.0 suite."))
    assert found["TrellisQA V2"] == ("benchmark", {"TrellisQA V2"})
    assert found["Orchard-Bench 2.0"] == ("benchmark", {"Orchard-Bench 2.0"})
    result = run(extractor, "We introduce SpoonBench v1.5, a benchmark of cutlery tasks.")
    proposed = {c.name for c in result.concepts if c.proposed}
    assert proposed == {"SpoonBench v1.5"}


def test_a_release_is_named_whole(extractor: Extractor) -> None:
    """Evidence covers the whole released name: a size in parameters after any model
    ("WrenVid-5B", a checkpoint of WrenVid), a mixture of experts' active size, a
    benchmark's edition year and a vocabulary alias written with a dot ("Kestrel.1-pro")."""
    found = names(run(extractor, "We distil Parrot-235B-A22B into WrenVid-5B, compare with "
                                 "Kestrel.1-pro and report results on TitSet 2023."))
    assert found["Parrot"] == ("architecture", {"Parrot-235B-A22B"})
    assert found["WrenVid"] == ("architecture", {"WrenVid-5B"})
    assert found["Kestrel"] == ("architecture", {"Kestrel.1-pro"})
    assert found["TitSet"] == ("benchmark", {"TitSet 2023"})


def test_a_short_form_defined_inside_a_known_name(extractor: Extractor) -> None:
    """"tea-kettle (TK) buffer" is the known "tea-kettle buffer", its short form defined
    between its words; a short form that is no initials of the words before it ("Spoon
    (DiT) networks") defines something else and joins nothing."""
    found = names(run(extractor, "We shrink the tea-kettle (TK) buffer of long inputs.",
                      title=""))
    assert found["TK buffer"] == ("method", {"tea-kettle (TK) buffer"})
    found = names(run(extractor, "We train Ladle-Spoon (DiT) networks.", title=""))
    assert "Spoon network" not in found


def test_a_version_of_a_known_name_is_its_own_concept(extractor: Extractor) -> None:
    """A version after a known name names another release, as GPT-4 is not GPT-3: a point
    release ("WrenVid 2.5"), a version written apart ("HeronBench v3") or glued after a
    size ("Parrot-large-v3"); a score or a quantity after a name is not one."""
    result = run(extractor, "We transcribe with Parrot-large-v3, caption with WrenVid 2.5 "
                            "and test on HeronBench v3.", title="")
    found = {c.name: {m.text for m in c.mentions} for c in result.concepts}
    assert {"Parrot-large-v3", "WrenVid 2.5", "HeronBench v3"} <= set(found)
    assert not {"Parrot", "WrenVid", "HeronBench"} & set(found)
    found = names(run(extractor, "Ours is 1.5x faster than WrenVid 2.5x smaller models; "
                                 "HeronBench 7.2 points higher."))
    assert "WrenVid" in found and "HeronBench" in found


def test_appositive_with_parentheses_still_types_the_name(extractor: Extractor) -> None:
    found = names(run(extractor, "We propose SpoonMol, an E(3)-equivariant diffusion model "
                                 "for cutlery."))
    assert found["SpoonMol"][0] == "architecture"


def test_our_kind_then_a_name_in_commas_proposes_it(extractor: Extractor) -> None:
    """An appositive after "our <kind>" names the paper's own system ("our codec,
    Quillwave, ..."), typed by the kind; a name after "our benchmark," that the sentence
    goes on with (no closing comma) is not proposed by it."""
    result = run(extractor, "Our speech codec, Quillwave, halves the bitrate of older codecs.")
    (found,) = [c for c in result.concepts if c.name == "Quillwave"]
    assert (found.type, found.proposed) == ("architecture", True)
    result = run(extractor, "Our attack, Quilljack, hides instructions in rendered text.")
    (found,) = [c for c in result.concepts if c.name == "Quilljack"]
    assert (found.type, found.proposed) == ("method", True)
    result = run(extractor, "In our benchmark, Lanternet scores only 31% on hard items.")
    assert not any(c.proposed for c in result.concepts)


def test_a_name_ending_in_nerf_is_an_architecture(extractor: Extractor) -> None:
    """A run-together name built on a known family's short name ("...NeRF") is of that
    family's type, wherever it stands (here in a list of baselines)."""
    found = names(run(extractor, "We compare with baselines such as QuillNeRF on our scenes."))
    assert found["QuillNeRF"][0] == "architecture"


def test_another_names_collection_word_does_not_type_the_next_name(
    extractor: Extractor,
) -> None:
    """"On the Quill Driving Dataset, Lanternsplat improves ...": 'Dataset' ends the
    benchmark's own name, so the system after the comma is no benchmark."""
    found = names(run(extractor, "We present Lanternsplat, which renders street scenes. On "
                                 "the Quill Driving Dataset, Lanternsplat improves PSNR."))
    assert found["Lanternsplat"][0] != "benchmark"
    assert found["Quill Driving Dataset"][0] == "benchmark"


def test_names_listed_beside_one_known_name_take_its_type(extractor: Extractor) -> None:
    """A list of three or more whose one known member is a method: the members written as
    names (a capital or digit inside the word) are methods too; a plain capitalised word
    in such a list is not taken for a name."""
    found = names(run(extractor, "Compared with H2Q, FlashAttention and QuillKV, our kernel "
                                 "is faster on long inputs."))
    assert found["H2Q"][0] == found["QuillKV"][0] == "method"
    found = names(run(extractor, "We compare with Quoll, FlashAttention and Wren on inputs."))
    assert "Quoll" not in found and "Wren" not in found


def test_names_the_paper_is_compared_with_are_systems(extractor: Extractor) -> None:
    """Baselines written as names after "outperforms", "compared against", "than" are
    concepts (methods, the scorer may retype them); a hyphenated adjective there
    ("CUDA-optimized") and a metric ("MOS") are not."""
    found = names(run(extractor, "Our kernel outperforms quillSplat and LanternKV on long "
                                 "inputs, and it is compared against DoReQuill too."))
    assert {found[n][0] for n in ("quillSplat", "LanternKV", "DoReQuill")} == {"method"}
    found = names(run(extractor, "It runs comparably to CUDA-optimized FlashAttention and "
                                 "scores higher than the baseline in MOS."))
    assert "CUDA-optimized" not in found and "MOS" not in found


@pytest.mark.parametrize("sentence", [
    "Our tracker improves success rate by 4.2 points over KiteNav and HeronTrack.",
    "In contrast to KiteNav and HeronTrack, which need depth, ours works from RGB.",
    "Unlike KiteNav or HeronTrack, our planner needs no map.",
    "The gains over KiteNav are large, with a 12% relative improvement over HeronTrack.",
])
def test_baselines_named_after_over_unlike_in_contrast_to(
    extractor: Extractor, sentence: str
) -> None:
    """"improves X by 3 points over Y", "in contrast to Y", "unlike Y" name baselines too."""
    found = names(run(extractor, sentence, title=""))
    assert found["KiteNav"][0] == found["HeronTrack"][0] == "method"


def test_a_name_modifying_a_noun_is_no_baseline(extractor: Extractor) -> None:
    """A name that modifies the noun after it ("over conventional Top-3 gating", "on CCX
    billing codes") is part of a phrase, not a system compared with."""
    found = names(run(extractor, "Our router improves over conventional Top-3 gating, and "
                                 "compared with these baselines on CCX billing codes, it "
                                 "is faster.", title=""))
    assert "Top-3" not in found and "CCX" not in found


def test_a_lower_case_technique_the_paper_proposes_is_proposed(extractor: Extractor) -> None:
    """"We introduce ladle-then-stir, a prompting scheme ...": a lower-case phrase right
    after the proposing verb, described as a kind of technique, is the paper's own method;
    a class noun ("a new framework") or a known concept there is not a new one."""
    result = run(extractor, "We introduce ladle-then-stir, a prompting scheme that ranks "
                            "answers. We propose kettle-token retention, a simple rule that "
                            "keeps the first tokens.")
    found = {c.name: (c.type, c.proposed) for c in result.concepts}
    assert found["ladle-then-stir"] == ("method", True)
    assert found["kettle-token retention"] == ("method", True)
    result = run(extractor, "We propose a new framework, a simple way to rank answers. We "
                            "present fine-tuning, a standard technique, to adapt models.")
    assert not any(c.proposed for c in result.concepts)


def test_the_papers_own_kind_of_a_known_technique_is_a_concept(extractor: Extractor) -> None:
    """"We propose visual flash-attention": the paper's own kind of a known technique,
    proposed, typed as the technique; an everyday qualifier ("efficient") or "using" leaves
    the known technique alone."""
    found = {c.name: (c.type, c.proposed) for c in run(
        extractor, "We propose visual flash-attention to read long documents.").concepts}
    assert found.get("visual flash-attention") == ("method", True), found
    for text in ("We propose efficient flash-attention for long documents.",
                 "We propose using flash-attention for long documents."):
        names_found = {c.name for c in run(extractor, text).concepts}
        assert "FlashAttention" in names_found, (text, names_found)


def test_more_ways_a_paper_says_a_name_is_its_own(extractor: Extractor) -> None:
    """"We further release X", "On a new benchmark, X, ...", "our X model" and a name of
    five capitalised words after the proposing verb ("a Kettle Spoon Ladle Pot Handle")."""
    result = run(extractor, "We further release Quillbench, a suite of weaving tasks. On a "
                            "new synthetic benchmark, Lantern-Syn, our method wins. Our "
                            "Ladle-2 model improves accuracy. We further introduce a Kettle "
                            "Spoon Ladle Pot Handle, which unifies actions.")
    proposed = {c.name for c in result.concepts if c.proposed}
    assert {"Quillbench", "Lantern-Syn", "Ladle-2", "Kettle Spoon Ladle Pot Handle"} <= proposed
    result = run(extractor, "In our LanternKV experiments, accuracy rises on every split.")
    assert not any(c.proposed for c in result.concepts)


def test_a_compounds_known_head_is_kept_only_where_nothing_else_is() -> None:
    """The known head inside a compound ("Transformer" in "Quokka Transformer") is a
    candidate of its own, so that the concept survives when the scorer rejects the
    compound; where the compound (or any other mention) is kept, the head gives way, even
    to a shorter proposal."""
    from kg.extract.components import _Found, _Group

    found = _Found()
    found.groups = {"c:quokka": _Group("c:quokka", "Quokka Transformer", "architecture",
                                       "coined"),
                    "c:t": _Group("c:t", "Transformer", "architecture", "vocabulary"),
                    "c:p": _Group("c:p", "Quokka", "method", "coined")}
    found.owner = {(0, 18): "c:quokka", (7, 18): "c:t", (30, 41): "c:t"}
    found.heads = {(7, 18), (30, 41)}
    assert {g.id: g.spans for g in found.resolve()} == {
        "c:quokka": {(0, 18)}, "c:t": {(30, 41)}}
    found = _Found()
    found.groups = {"c:t": _Group("c:t", "Transformer", "architecture", "vocabulary"),
                    "c:p": _Group("c:p", "Quokka", "method", "coined")}
    found.owner = {(7, 18): "c:t", (9, 12): "c:p"}  # the compound was rejected
    found.heads, found.proposed = {(7, 18)}, {(9, 12)}
    assert {g.id: g.spans for g in found.resolve()} == {"c:p": {(9, 12)}}
