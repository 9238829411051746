"""Concepts beyond the vocabulary: names a paper coins or uses without the vocabulary knowing.

Evidence, strongest first: an abbreviation definition "Multimodal Fusion Architecture Search
(MUFASA)" (Schwartz & Hearst 2003), a proposal "we propose/introduce/present X", a title
"X: long title", and name shapes (CamelCase, capitals with digits, hyphenated capitals,
-former/-Net/-Bench suffixes) next to a word that says what they are ("the X dataset",
"on X and Y benchmarks"). Candidates that look like tasks, metrics, hardware,
organisations, numbers or generic words are rejected: precision matters as much as recall.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, count
from operator import add

from kg.extract.canonical import WORD, greek_named
from kg.normalize import fold

# A name-like token: word pieces joined by '-', '.', '+' or "'" ("LTX-Video", "Qwen2.5-VL").
NAME_TOKEN = re.compile(r"[^\W_][\w]*(?:[-.+'’][^\W_][\w]*)*(?:\+\+?)?")
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")

TYPE_WORDS: dict[str, str] = {}
for _kind, _words in {
    "benchmark": "benchmark dataset corpus corpora suite leaderboard testbed test-bed collection",
    "architecture": "model architecture network backbone transformer encoder decoder llm vlm "
    "mllm detector generator autoencoder vae lm codec",
    "method": "method framework algorithm approach technique pipeline strategy module "
    "mechanism paradigm recipe scheme optimizer procedure system agent toolkit loss attack "
    "defense",
}.items():
    for _word in _words.split():
        TYPE_WORDS[_word] = _kind
        TYPE_WORDS[_word + "s"] = _kind
        TYPE_WORDS[_word + "es"] = _kind
TYPE_WORDS["corpora"] = "benchmark"

# Long-form heads that make an abbreviation a task, metric, unit or thing, not a concept.
_NOT_CONCEPT_HEADS = set(
    """generation recognition classification detection segmentation answering translation
    retrieval understanding reasoning synthesis estimation prediction summarization editing
    captioning tracking forecasting parsing tagging labeling labelling completion
    score rate error accuracy distance ratio divergence metric measure index precision recall
    unit units interface interfaces record records processing intelligence vision language
    languages engineering science modality modalities layer layers component components
    token tokens state states space spaces value values function functions data
    task tasks problem problems question questions setting settings device devices
    operation operations operations per second flops throughput latency memory
    agreement test tests study studies analysis trial trials condition conditions""".split()
)

# Never concepts, whatever their shape (compared case-folded).
STOP_NAMES = set(
    """ai ml nlp cv dl rl api apis gpu gpus cpu cpus tpu tpus npu hbm ram vram sota url urls
    pdf html json xml csv http https www github gitlab huggingface hugging openai google meta
    microsoft nvidia deepmind anthropic amazon apple ibm intel amd alibaba baidu tencent
    bytedance huawei stanford mit berkeley cmu arxiv pytorch tensorflow jax keras cuda python
    fid fvd psnr ssim lpips bleu rouge meteor cider spice map auc roc mse mae rmse ppl wer cer
    em iou miou fps flops gflops tflops pflops macs params ood iid sft i ii iii iv v vi we our
    mos
    in on of the a an and or for to with by from this that these those it its via
    however moreover furthermore additionally specifically finally first second third
    experiments results code project page demo video image text audio
    english chinese usa us eu uk llms llm vlms vlm t2i t2v i2v qa vqa ocr asr tts nerf
    mllm mllms lmm lmms lm lms""".split()
)

# Long-form heads that name a technique: "Generative Architecture Search (GAS)",
# "Continuous Supervised Fine-Tuning (CSFT)", "Adaptive Token Sampler (ATS)".
METHOD_HEADS = set(
    """search learning training tuning fine-tuning finetuning pre-training pretraining
    distillation attention sampling sampler decoding prompting optimization optimisation
    regularization regularisation normalization normalisation routing masking pruning
    quantization quantisation augmentation alignment adaptation fusion pooling embedding
    embeddings encoding aggregation calibration merging compression initialization
    propagation scaling guidance steering unlearning""".split()
)

_SUFFIX_TYPES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?:Bench|BENCH|Eval|EVAL|Arena|QA|Set)(?:[-\d.]*\w{0,2})?$"), "benchmark"),
    (
        re.compile(
            r"(?:former|Former|Net|NET|GPT|LM|BERT|VAE|ViT|LLaMA|Llama|Mamba|Diffusion|DiT|VL|"
            r"Coder|Instruct|Chat|GAN|CLIP|Mixer|Diff|T5|GNN|GCN|RNN|CNN|SSM|MLP|NeRF)"
            r"(?:[-\d.]*\w{0,3})?$"
        ),
        "architecture",
    ),
]

# Each expression opens with a lookahead for the first letters its words can start with (a
# no-op for what matches): the scan then skips most positions without trying every branch.
_PROPOSE = re.compile(
    r"(?=[hptw])\b(?:we|this (?:paper|work)|here(?:,)? we|paper)\s+(?:\w+ly\s+)?"
    r"(?:(?:also|further|then|finally)\s+)?"
    r"(?:propose|introduce|present|develop|design|build|construct|release|curate|contribute|"
    r"create|unveil|offer|establish|formulate|devise)[sd]?\b",
    re.I,
)
_NAMING = re.compile(
    r"(?=[cdnortw])\b(?:called|named|dubbed|termed|coined|(?:which )?we (?:call|name|term|dub)|"
    r"(?:we )?refer(?:red)? to as|"
    r"(?:the|our) proposed|namely,)\s+",
    re.I,
)
# An appositive after "our <kind>" names the paper's own system: "our codec, WaveTok, lowers
# ..." (the name, up to three words, is followed by a comma: "in our benchmark, GPT-4
# scores" names none). Tried only where "our " occurs (``appositive_ends``).
_OUR_KIND = re.compile(
    r"(?:our|a new|a novel) (?:[a-z][\w-]* ){0,2}?([a-z]+), (?=\S+(?: \S+){0,2},)", re.I
)
# "our SatMAE-2 model": a name between "our" and its kind is the paper's own
_OUR_NAMED = re.compile(r"(?i:our) ([A-Z][\w.+-]*[A-Z0-9][\w.+-]*) ([a-z]+)\b")


class Gated:
    """A case-insensitive expression with words every match of it contains (lower case):
    in ASCII text, a sentence whose lower-case form holds none of them cannot match, which
    substring searches tell at a few instructions per character, where the expression's
    scan costs hundreds. (Outside ASCII, case folding is not lower-casing: always scanned.)"""

    def __init__(self, pattern: re.Pattern[str], words: tuple[str, ...]) -> None:
        self.pattern = pattern
        self.words = words

    def scanned(self, folded: str | None, spans: list[tuple[int, int]]) -> set[int]:
        """The indices of the sentence ``spans`` the expression must scan: in ASCII text
        (``folded`` is its lower-case form, None outside ASCII: all of them) those holding
        one of the words, found by one search of the whole text per word (most words occur
        nowhere) rather than of every sentence for every word."""
        if folded is None:
            return set(range(len(spans)))
        starts = [start for start, _ in spans]
        out = set()
        for word in self.words:
            at = folded.find(word)
            while at >= 0:
                i = bisect_right(starts, at) - 1
                if i >= 0 and at + len(word) <= spans[i][1]:
                    out.add(i)
                at = folded.find(word, at + 1)
        return out


PROPOSE = Gated(_PROPOSE, (
    "propose", "introduce", "present", "develop", "design", "build", "construct", "release",
    "curate", "contribute", "create", "unveil", "offer", "establish", "formulate", "devise",
))
NAMING = Gated(_NAMING, ("call", "name", "term", "dub", "coined", "refer", "proposed"))


def appositive_ends(text: str, folded: str | None) -> list[int]:
    """Where the name after each "our <kind>," appositive starts (``_OUR_KIND``), found by a
    substring search for "our " and a match anchored there: the phrase is common, a scan of
    every sentence holding it costs several times more."""
    if folded is None:
        return sorted(
            [m.end() for m in _OUR_KIND.finditer(text) if m.group(1).lower() in TYPE_WORDS]
            + [m.start(1) for m in _OUR_NAMED.finditer(text) if m.group(2) in TYPE_WORDS])
    out = []
    for opener in ("our ", "a new ", "a novel "):
        at = folded.find(opener)
        while at >= 0:
            if at == 0 or not folded[at - 1].isalnum():
                # (a comma within a few words first: most such phrases have none)
                m = _OUR_KIND.match(text, at) if folded.find(", ", at, at + 60) > 0 else None
                if m and m.group(1).lower() in TYPE_WORDS:
                    out.append(m.end())
                named = _OUR_NAMED.match(text, at) if opener == "our " else None
                if named and named.group(2) in TYPE_WORDS:
                    out.append(named.start(1))
            at = folded.find(opener, at + len(opener))
    return sorted(out)

_STOP_SCAN = set(
    """that which where to by using via through with while whose who when based built upon
    on for in from over beyond within into across""".split()
)
_LIST_ITEM = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+and\s+)([^\s,.;:()]+)")
# "X, a/an ...": a name, then a description of it
_APPOSITIVE = re.compile(r"[^\s,]+, (?:a|an|the) ")
_NOVEL = re.compile(r"\b(?:novel|new|our)\b", re.I)
_DIRECT = re.compile(r"\s*(?:(?:the|a|an|our)\s+)?$", re.I)
_USAGE = re.compile(
    r"\b(?:such as|e\.g\.|like|including|existing|previous|prior|baselines?|outperforms?|"
    r"compared?|comparing|against|than|adopt|use[sd]?|using|leverag\w+|based on|built on|"
    r"following|(?<!we )introduced|recent(?:ly)?|popular|widely|commonly|standard|"
    r"conventional|traditional|classical|established|well-known|over|stud(?:y|ies|ied)|"
    r"analy[sz]e[sd]?|examine[sd]?|investigate[sd]?|evaluat(?:e[sd]?|ing))\b",
    re.I,
)
_LIST_GLUE = set(
    "and or the such as like including e g namely called named dubbed termed coined novel new "
    "a an our".split()
)
# Model-class acronyms that end a coined name ("we propose Control LLM").
CLASS_ACRONYMS = frozenset({"LLM", "VLM", "MLLM", "LMM", "LM", "GPT", "NN"})
_GERUND = re.compile(r"[A-Z][a-z]{2,}ing")  # "Revisiting", "Scaling" (not "RING", "Ming")
# First words of a title phrase that is no name ("Towards X", "Beyond X", "When X ...").
_PHRASE_OPENERS = set(
    """towards toward beyond into over without via through under against about across
    after before between inside within when what why how where which can could does do did
    should would will must may might""".split()
)
_TITLE_STOP = set("survey review position tutorial overview introduction report".split())
_FUNCTION_WORDS = set(
    "is are be all you need of the a an in on for to with and or not at by from as".split()
)


@dataclass
class Candidate:
    """A coined-concept mention found in the text (offsets into the whole text)."""

    start: int
    end: int
    text: str
    type: str | None
    proposed: bool
    confidence: float
    reason: str
    defines: tuple[int, int] | None = None  # long form of an abbreviation (start, end)
    broader: str | None = None  # the known concept a compound is built on, as its head


_NOT_NAME = re.compile(
    r"\d+(?:\.\d+)?[BMKbmk]?-\w+|\d+D-.*|XX?L|.*-(?:based|friendly|aware|like|style|free|"
    r"guided|specific|level|wise|scale|shot|driven|agnostic|related|aided|assisted|enabled|"
    r"powered|oriented|centric|inspired|enhanced|augmented|empowered|integrated|informed|"
    r"conditioned|dependent|efficient|compatible|native|intensive|bound)"
    r"|.*\.(?:git|com|io|org|ai)"
)
# Things that are never architectures, benchmarks or methods, by their shape: hardware
# ("TPU v5e", "A100", "multi-GPU"), fields ("Edge AI", "MLOps", "GenAI") and organisations
# ("Stability AI", "Meta Research", "FAIR Labs").
_NOT_CONCEPT = re.compile(
    r"(?:multi-?|many-?|single-?)?(?:[GTNILD]PU|HPU|FPGA|ASIC|SoC)s?(?:[- ]?v?\d\w*)?"
    r"(?: (?:pods?|chips?|cores?|clusters?))?"
    r"|(?:NVIDIA |Nvidia )?(?:[AHVLTPB]\d{2,3}|GH\d{3}|RTX ?\d{3,4}\w*|MI\d{3}X?)s?"
    r"|Jetson\w*|Xeon\w*|EPYC\w*|Gaudi\d?|Trainium\d?|Inferentia\d?|Ascend ?\d*\w?"
    r"|.*(?:Ops|OPS)|(?:\w+[ -])*(?:AI|A\.I\.)|(?:Gen|X|Edge|Green)AI"
    r"|(?:\w+ )+(?:Inc|Labs?|Research|University|Institute|Corporation|Corp)\.?",
)


# "CLIP score", "CLIP-T score", "CLIP directional similarity" (not "scores 86%", "scores higher").
_METRIC_NEXT = re.compile(
    r"(?:[-‐][A-Z])?[ \t]+(?:[a-z]+[ \t]+)?(?:score|scores|similarity|similarities)\b"
    r"(?![ \t]+(?:\d|higher|lower|better|worse|well|poorly|above|below|up|down))"
)


def metric_named_after(text: str, end: int, kind: str | None) -> bool:
    """The model name ending at ``end`` names a metric computed with it (see
    kg.extract.senses)."""
    return kind == "architecture" and bool(_METRIC_NEXT.match(text, end))


_HARDWARE_WORD = re.compile(r"(?i)(?:multi|many|single)?-?(?:[gtnild]pu|hpu|fpga|asic)s?")


def not_a_concept(name: str) -> bool:
    """Hardware, a field or an organisation, by the shape of the name; or a phrase about
    hardware ("multi-GPU training")."""
    name = name.strip()
    if _NOT_CONCEPT.fullmatch(name):
        return True
    lowered = name.lower()  # every hardware word holds one of these: most names none
    return ("pu" in lowered or "fpga" in lowered or "asic" in lowered) and any(
        _HARDWARE_WORD.fullmatch(word) for word in name.split()
    )


_SIZE_SUFFIX = re.compile(r"[-‐ ]\d+(?:\.\d+)?[BMbm]$")


def base_name(name: str) -> str:
    """A coined name without a parameter-count suffix: 'Satori-SWE-32B' -> 'Satori-SWE'."""
    return _SIZE_SUFFIX.sub("", name) or name


# A long form in title case ("Kernel Density Smoothing", "Motion Trace Histogram"): with an
# acronym after it, a named technique unless its head says otherwise (task, metric, ...).
_TITLE_CASE_NAME = re.compile(r"[A-Z][\w-]*(?:\s+(?:of\s+|for\s+|and\s+)?[A-Z][\w-]*)+")
# The last piece of a hyphenated benchmark name ("Harbor-Bench", "Code-Eval", "Chat-Arena").
_BENCHMARK_PIECE = re.compile(r"Bench(?:mark)?|BENCH|Eval|EVAL|Arena")
_PLAIN_PIECE = re.compile(r"[A-Z]?[a-z]+")
_TWO_PLAIN_WORDS = re.compile(r"[A-Z][a-z]+-[A-Z][a-z]+")
_NUMBER_OR_SIZE = re.compile(r"\d+(?:\.\d+)?[A-Za-z]{0,2}|[A-Z]?\d+[A-Za-z]?")
_PLAIN_WORD = re.compile(r"[IVX]+|[A-Z][a-z]+s?|[a-z][a-z-]*")
_CAPITALISED = re.compile(r"[A-Z][a-z]{2,}[a-z0-9]*")
_NOT_CAPITALISED_NAMES = frozenset(STOP_NAMES | _TITLE_STOP)


@lru_cache(maxsize=1 << 16)
def strong_name(token: str) -> bool:
    """A name even without a context that introduces it: not 'Romera-Paredes' or
    'Text-to-Image' (hyphenated plain words), which need a proposal or the title."""
    if not looks_like_name(token):
        return False
    pieces = token.split("-")
    if len(pieces) > 1 and _BENCHMARK_PIECE.fullmatch(pieces[-1]):
        return True  # "Harbor-Bench", "Code-Eval": the last piece says what the name is
    plain = all(_PLAIN_PIECE.fullmatch(p) or p.lower() in _FUNCTION_WORDS for p in pieces)
    return not (len(pieces) > 1 and plain) and not _TWO_PLAIN_WORDS.fullmatch(token)


@lru_cache(maxsize=1 << 16)
def looks_like_name(token: str) -> bool:
    """Capitals after the first letter, letters mixed with digits, or hyphenated capitals."""
    if token.islower() or (token[1:].islower() and token[1:].isalpha()):
        return False  # the common case, decided without regular expressions
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    # each test below rules the token out alone: the cheapest come first
    if sum(map(str.isalpha, token)) < 2 or token.casefold() in STOP_NAMES:
        return False
    if _NUMBER_OR_SIZE.fullmatch(token) or _PLAIN_WORD.fullmatch(token):
        return False  # numbers and sizes (7B, 3D, 100K); roman numerals, plain words
    if _NOT_NAME.fullmatch(token) or _NOT_CONCEPT.fullmatch(token):
        return False
    core = token.replace("-", "")
    inner_capital = any(map(str.isupper, core[1:-1])) or (
        core[-1].isupper() and core[-2].isalpha()
    )
    return inner_capital or (core[0].isupper() and any(map(str.isdigit, core)))


def capitalised_name(token: str) -> bool:
    """'Informer': acceptable as a name only where the context says a name is introduced."""
    return bool(_CAPITALISED.fullmatch(token)) and token.casefold() not in _NOT_CAPITALISED_NAMES


def type_by_suffix(name: str) -> str | None:
    for pattern, kind in _SUFFIX_TYPES:
        if pattern.search(name):
            return kind
    return None


def head_word(phrase: str) -> str:
    """The head of a long form: its last word, or the word before "of" ('Chain-of-Model' ->
    'chain', 'Mixture of Experts' -> 'mixture')."""
    pieces = [p for w in _WORD.findall(phrase.lower()) for p in w.split("-")]
    if "of" in pieces[1:]:
        return pieces[pieces.index("of", 1) - 1]
    return pieces[-1] if pieces else ""


def head_type(phrase: str) -> str | None:
    """The type a phrase's head word implies ('... Architecture Search' -> None)."""
    return TYPE_WORDS.get(head_word(phrase))


# ------------------------------------------------------------------ abbreviations


def _best_long_form(short: str, words_before: str) -> int | None:
    """Schwartz-Hearst: offset in ``words_before`` where the long form of ``short`` starts."""
    s_chars = [ch.lower() for ch in short if ch.isalnum()]
    if not s_chars:
        return None
    if any(ch.isdigit() for ch in s_chars):
        start = _best_long_form("".join(ch for ch in short if not ch.isdigit()), words_before)
        if start is not None:
            return start
    text = words_before.lower()
    s_i, l_i = len(s_chars) - 1, len(text) - 1
    while s_i >= 0:
        ch = s_chars[s_i]
        while l_i >= 0 and (text[l_i] != ch or (s_i == 0 and l_i > 0 and text[l_i - 1].isalnum())):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    start = l_i + 1
    while start > 0 and words_before[start - 1].isalnum():
        start -= 1
    return start


def long_form_words_capitalised(phrase: str) -> bool:
    words = phrase.split()
    return bool(words) and all(w[:1].isupper() for w in words)


_PAREN = re.compile(r"\(\s*([^()]{1,16}?)\s*\)")


_EXPLICIT = re.compile(
    r"((?:[A-Z][\w-]*[ ]+){0,5}[A-Z][\w-]*)[ ]*\((?:abbreviated as|abbreviated|short for|"
    r"shortened to|aka|a\.k\.a\.|or)[ ]+([^\s()]{2,20})\)"
)
# What every _EXPLICIT match contains; searching for it first skips _EXPLICIT's slow scan
# (a capitalised-words prefix tried at every position) in texts that cannot match.
_EXPLICIT_HINT = re.compile(r"\((?:abbreviated|short for|shortened to|aka|a\.k\.a\.|or)[ ]")


def abbreviations(text: str) -> list[tuple[int, int, int, int]]:
    """(long_start, long_end, short_start, short_end) for each "long form (SF)" in text,
    including the explicit "Algorithm Transformer (abbreviated as AlgoFormer)"."""
    found = (
        [(m.start(1), m.end(1), m.start(2), m.end(2)) for m in _EXPLICIT.finditer(text)]
        if _EXPLICIT_HINT.search(text)
        else []
    )
    for m in _PAREN.finditer(text):
        short = m.group(1).rstrip(",;")
        if not (
            2 <= len(short) <= 12
            and short[0].isalnum()
            and any(ch.isupper() for ch in short)
            and sum(map(str.isalpha, short)) >= 2  # "(S4)": one letter fits any word
            and len(short.split()) <= 2
            and not re.fullmatch(r"[\d.,%\s]+[A-Za-z]?", short)
        ):
            continue
        before_end = m.start()
        while before_end > 0 and text[before_end - 1] == " ":
            before_end -= 1
        n_words = min(len(short) + 5, len(short) * 2)
        window_start = before_end
        words = 0
        while window_start > 0 and words < n_words:
            window_start -= 1
            if text[window_start] in " " and text[window_start - 1] != " ":
                words += 1
            if text[window_start] in ".;:!?()[]\n":
                window_start += 1
                break
        window = text[window_start:before_end].lstrip(" ")
        offset = before_end - len(window)
        start = _best_long_form(short, window)
        if start is None:
            continue
        while start > 0 and long_form_words_capitalised(window[start:]):
            prev = re.search(r"([A-Z][\w-]*) +$", window[:start])
            if not prev or prev.group(1).lower() in _FUNCTION_WORDS:
                break
            if len(window[prev.start(1) :].split()) > len(short) + 2:
                break
            start = prev.start(1)
        long_form = window[start:]
        if len(long_form) <= len(short) or len(long_form.split()) > len(short) + 5:
            continue
        s_start = m.start(1)
        found.append((offset + start, before_end, s_start, s_start + len(short)))
    return found


# ------------------------------------------------------------------ candidates


# After a name: "X-based ...", "Edge AI": a modifier or a field, not a name.
_MODIFIER_OR_FIELD = re.compile(r"-(?:based|like|style|free|aware|guided)\b|\s+(?:AI|ML)\b")


def _proposed_names(
    text: str, zone: tuple[int, int], covered: list[tuple[int, int]],
    long_forms: list[tuple[int, int]], known_types: dict[tuple[int, int], str] | None = None,
) -> list[Candidate]:
    """The name a proposal introduces in ``zone`` (the object of "we propose", as offsets):
    its first name, plus the rest of a list ("AlphaViT, AlphaViD, and AlphaVDA")."""
    zone_start, zone_end = zone
    for m in NAME_TOKEN.finditer(text, zone_start, zone_end):
        token = m.group()
        low = token.lower()
        if low in _STOP_SCAN:
            return []
        if any(s <= m.start() < e for s, e in long_forms):
            return []  # "we propose Long Form (LF)": the abbreviation is the name
        known = next(((s, e) for s, e in covered if s <= m.start() < e), None)
        if known is not None:
            # "We propose the Transformer" introduces a known concept; "a hybrid ViT
            # architecture named ..." merely mentions one.
            name = text[known[0] : known[1]]
            before = text[zone_start : known[0]]
            if _DIRECT.fullmatch(before) and not name.islower():
                return [Candidate(*known, text[known[0] : known[1]], None, True, 0.8, "proposal")]
            modified = _MODIFIERS_BEFORE.fullmatch(before) if name.islower() else None
            if modified and not {w.lower() for w in modified.group(1).split()} & _NOT_OWN:
                # "we propose visual contrastive decoding": the paper's own kind of a known
                # technique, a concept of its own (the known one is what it is a kind of)
                start = zone_start + modified.start(1)
                kind = (known_types or {}).get(known, "method")
                return [Candidate(start, known[1], text[start : known[1]], kind, True, 0.75,
                                  "proposal")]
            return []
        if token.islower() and low in TYPE_WORDS and text[m.end() : m.end() + 2] != ", ":
            continue
        if not (looks_like_name(token) or capitalised_name(token)):
            continue
        if _MODIFIER_OR_FIELD.match(text, m.end()):
            return []  # "X-based ...", "Edge AI": a modifier or a field, not a name
        end = m.end()
        for _ in range(4):  # "Stable Video Diffusion": up to five name words
            nxt = NAME_TOKEN.match(text, end + 1)
            if not (text[end : end + 1] == " " and nxt and nxt.end() <= zone_end):
                break
            if not (
                looks_like_name(nxt.group())
                or capitalised_name(nxt.group())
                or nxt.group() in CLASS_ACRONYMS
            ):
                break
            if any(s <= nxt.start() < e for s, e in long_forms):
                return []
            end = nxt.end()
        end = with_version(text, end)
        found = [Candidate(m.start(), end, text[m.start() : end], None, True, 0.8, "proposal")]
        while item := _LIST_ITEM.match(text, end):
            if not looks_like_name(item.group(1)):
                break
            found.append(
                Candidate(item.start(1), item.end(1), item.group(1), None, True, 0.75, "proposal")
            )
            end = item.end(1)
        return found
    return []


# "we propose anchor-token retention, a simple rule ...": a lower-case phrase, then what
# kind of thing it is (a technique's kind, told by TYPE_WORDS or these words)
_KIND_AFTER = frozenset(
    "rule scheme objective regularizer procedure criterion heuristic trick estimator "
    "protocol policy schedule".split()
)
_PHRASE_THEN_KIND = re.compile(
    r"\s*([a-z][a-z0-9]*(?:-[a-z0-9]+)*(?: [a-z][a-z0-9]*(?:-[a-z0-9]+)*){0,3}), "
    r"(?:a|an) ((?:[a-z-]+ ){0,3}[a-z]+)\b"
)


def _proposed_phrase(
    text: str, zone: tuple[int, int], covered: list[tuple[int, int]]
) -> list[Candidate]:
    """A lower-case technique the paper proposes, named right after the proposing verb and
    described as a kind of technique: "We introduce critique-then-rank, a prompting scheme".
    A known concept's span or a class noun alone ("a new framework") is no such name."""
    m = _PHRASE_THEN_KIND.match(text, zone[0], zone[1])
    if m is None:
        return []
    kind = next((TYPE_WORDS.get(w) or "method" for w in m.group(2).split()
                 if w in TYPE_WORDS or w in _KIND_AFTER), None)
    phrase = m.group(1)
    words = phrase.split()
    if kind is None or words[-1] in TYPE_WORDS or words[0] in _PHRASE_STOP or any(
        s < m.end(1) and m.start(1) < e for s, e in covered
    ):
        return []
    return [Candidate(m.start(1), m.end(1), phrase, kind, True, 0.75, "proposal")]


_PHRASE_STOP = frozenset("a an the our their its this these that which new novel simple".split())
# One or two lower-case modifiers (after an article) before a known technique.
_MODIFIERS_BEFORE = re.compile(
    r"\s*(?:(?:a|an|the|our)\s+)?((?:[a-z][a-z0-9]*(?:-[a-z0-9]+)*\s+){1,2})"
)
# Words that say how a known technique is used, not which kind of it the paper makes.
_NOT_OWN = _PHRASE_STOP | frozenset(
    """efficient effective standard conventional vanilla existing improved better large
    small fast faster scalable robust general generic simple simpler using with via for
    to of in on and or that which how""".split()
)


# A word that calls the word before it a collection of data (its match starts where that
# word ends: one scan per text, then a set lookup per name token).
# (capitalised, the word is the last word of the name: "the Quill Code Dataset")
_COLLECTION_WORD = re.compile(
    r" (?:(?i:b)enchmarks?|(?i:d)atasets?|(?i:c)orpus|(?i:c)orpora|(?i:s)uites?|"
    r"(?i:l)eaderboards?|(?i:t)estbeds?)\b"
)


# the lower-case start of every _COLLECTION_WORD match (for a search of ASCII text)
_COLLECTION_OPENERS = (" benchmark", " dataset", " corp", " suite", " leaderboard", " testbed")


def collection_words(text: str, folded: str | None) -> dict[int, int]:
    """{start: end} of every ``_COLLECTION_WORD`` match. In ASCII text (``folded``, its
    lower-case form; None outside ASCII) a match is tried only where a substring search
    finds one of its openings: a few searches at memory speed instead of a scan that
    tries the expression at every space. Matches start at a space and hold no other, so
    they never overlap: the anchored matches are those of the scan."""
    if folded is None:
        return {m.start(): m.end() for m in _COLLECTION_WORD.finditer(text)}
    out = {}
    for opener in _COLLECTION_OPENERS:
        at = folded.find(opener)
        while at >= 0:
            m = _COLLECTION_WORD.match(text, at)
            if m:
                out[at] = m.end()
            at = folded.find(opener, at + 1)
    return out


def names_a_collection(text: str, end: int) -> bool:
    """The next word calls the name ending at ``end`` a collection of data ("the Alpaca
    dataset")."""
    return bool(_COLLECTION_WORD.match(text, end))


def _named_collection(text: str, start: int, token: str) -> bool:
    """'the Trellis benchmark', 'on the Orchard corpus': a plain capitalised word (not the
    first of a sentence) that the next word calls a collection of data."""
    return capitalised_name(token) and not opens_sentence(text, start)


def opens_sentence(text: str, pos: int) -> bool:
    """The word at ``pos`` opens a sentence, a line or the text."""
    before = text[max(0, pos - 3) : pos].rstrip(" \t")
    return not before or before[-1] in ".!?:\n"


# "evaluated on X", "state-of-the-art results on X", "pre-trained on X": X is a benchmark or
# dataset. Not "based on X", "built on X", "focus on X": those say nothing of X's kind.
_ON = frozenset({"on", "across"})
_EVALUATION_WORDS = frozenset(
    """results result accuracy accuracies performance performances scores score sota
    art gains gain improvements improvement points point experiments experiment
    tested benchmarked trained pre-trained pretrained fine-tuned finetuned error errors
    top-1 top-5 f1 auc map miou bleu rouge perplexity wer""".split()
)
_EVALUATION_STEMS = ("evaluat", "achiev", "outperform", "surpass", "experiment")
_EVALUATION_GLUE = frozenset("and or the of our its their by a an new strong state".split())


def _context_type(text: str, start: int, end: int, sent_start: int, sent_end: int) -> str | None:
    """Type from a nearby type word: 'X dataset', 'X, Y and Z benchmarks', 'models like X'."""
    right = text[end:sent_end]
    for m in _WORD.finditer(right):
        word = m.group()
        low = word.lower()
        if ":" in right[: m.start()]:
            break  # "TransKD: Transformer ..." - a title's subtitle does not type its name
        if low in TYPE_WORDS:
            return TYPE_WORDS[low]
        if low in {"and", "or", "the", "&"} or looks_like_name(word) or word[0].isdigit():
            continue
        between = right[: m.start()]
        if between.strip(" ,") and not re.fullmatch(r"[\w\s,&.\-'’]*", between):
            break
        break
    # Leftwards: skip names, commas and conjunctions ("benchmarks such as X, Y and Z").
    words = _WORD.findall(text[max(sent_start, start - 120) : start])[-12:]
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        low = word.lower()
        if low in TYPE_WORDS:
            if (TYPE_WORDS[low] == "benchmark" and word[0].isupper() and i > 0
                    and words[i - 1][0].isupper()):
                return None  # "On the Waymo Open Dataset, X improves": another name's head
            return TYPE_WORDS[low]
        if low in _LIST_GLUE or looks_like_name(word) or word[0].isdigit():
            continue
        if low in _ON and _evaluated(words[:i]):
            return "benchmark"  # "evaluated on X", "accuracy on X and Y", "+4.1% on X"
        break
    return None


def _evaluated(words: list[str]) -> bool:
    """The words before an "on" say that something is measured or trained on what follows
    (skipping names and numbers between: "outperforms GPT-4 by 3 points on")."""
    for word in reversed(words[-5:]):
        low = word.lower()
        if low in _EVALUATION_WORDS or low.startswith(_EVALUATION_STEMS):
            return True
        if not (looks_like_name(word) or word[0].isdigit() or low in _EVALUATION_GLUE):
            return False
    return False


def _sentence_of(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for start, end in sentences:
        if start <= pos < end:
            return start, end
    return (0, 0)


_VARIANT = re.compile(r"(?i)-(?:instruct|chat|base|large|small|tiny|huge|giant|medium|mini|x+l|it)")
_EXTENSION = re.compile(r"-[A-Z][A-Za-z]*[A-Z][\w]*|-[A-Z][a-z]{3,}")


def name_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) of every ``NAME_TOKEN`` in ``text``: one scan shared by the
    candidate search and the search for a coined name's other occurrences."""
    return tokens_and_pieces(text)[0]


def tokens_and_pieces(
    text: str,
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
    """The text's ``name_tokens`` and its word pieces, in one pass: (start, end, lower-case
    piece) of every ``WORD`` (letters and digits; folded outside ASCII), which the
    vocabulary matcher reads.

    A token never holds whitespace, so the text is taken a whitespace-separated word at a
    time: a word of letters and digits (what ``[^\\W_]`` accepts is what ``isalnum``
    accepts), or one followed by a comma, period, colon, semicolon or closing parenthesis
    (none of which continues a token there), is a token and a piece without running an
    expression, which most words are; the expressions scan the others. Lower-casing ASCII
    keeps whitespace where it was, so the lower-case words come from one split of the
    lower-case text. ASCII text is split at single spaces, so that each word's offset is a
    sum of lengths (no search); a word holding other whitespace (a line break) goes to the
    expressions, which scan across it as across a space."""
    tokens: list[tuple[int, int, str]] = []
    pieces: list[tuple[int, int, str]] = []
    ascii_text = text.isascii()
    lower = str.lower if ascii_text else fold_piece
    if ascii_text:
        words, lowered = text.split(" "), text.lower().split(" ")
        # the offset of word i: the lengths of the words before it, plus i spaces
        starts = map(add, accumulate(map(len, words[:-1]), initial=0), count())
    else:
        words = lowered = text.split()
        starts = _word_starts(text, words)
    for word, low, start in zip(words, lowered, starts, strict=True):
        if not word:
            continue  # between two spaces
        end = start + len(word)
        if word.isalnum():
            tokens.append((start, end, word))
            pieces.append((start, end, low if ascii_text else lower(word)))
        elif word[-1] in _CLOSING and word[:-1].isalnum():
            tokens.append((start, end - 1, word[:-1]))
            pieces.append((start, end - 1, low[:-1] if ascii_text else lower(word[:-1])))
        else:
            for m in NAME_TOKEN.finditer(word):
                token = m.group()
                at = start + m.start()
                tokens.append((at, at + len(token), token))
                if token.isalnum():
                    pieces.append((at, at + len(token), lower(token)))
                else:
                    pieces += [
                        (at + p.start(), at + p.end(), lower(p.group()))
                        for p in WORD.finditer(token)
                    ]
    return tokens, pieces


def _word_starts(text: str, words: list[str]) -> Iterator[int]:
    """The offset of each of the text's whitespace-separated ``words``."""
    end = 0
    for word in words:
        start = text.find(word, end)  # only whitespace lies between ``end`` and the word
        end = start + len(word)
        yield start


def fold_piece(piece: str) -> str:
    """A piece's matching form: lower case, or folded (accents off, Greek letters spelled
    out as ``match_key`` spells them) outside ASCII."""
    return piece.lower() if piece.isascii() else fold(greek_named(piece))


_CLOSING = frozenset(",.;:)")  # after a word of letters and digits, it ends the token


def _extends_known(
    text: str, t_start: int, t_end: int, covered: list[tuple[int, int]], starts: list[int]
) -> bool:
    """'ViT-ResNAS', 'LLaMA-Adapter': a new name built on a known one (not a size variant).
    ``covered`` is sorted, ``starts`` its start offsets."""
    first, last = bisect_left(starts, t_start), bisect_right(starts, t_end)
    inside = [(s, e) for s, e in covered[first:last] if e <= t_end]
    if len(inside) != 1 or inside[0][0] != t_start:
        return False
    rest = text[inside[0][1] : t_end]
    if _VARIANT.fullmatch(rest):
        return False  # released variants of the same model
    return bool(_EXTENSION.fullmatch(rest))


def find_candidates(
    text: str,
    title_end: int,
    abstract_start: int,
    sentences: list[tuple[int, int]],
    known: list[tuple[int, int]],
    known_types: dict[tuple[int, int], str] | None = None,
    names: list[tuple[int, int, str]] | None = None,
    decided: set[str] | None = None,
    zones: list[tuple[int, int]] | None = None,
) -> list[Candidate]:
    """Coined-name candidates in ``text``; ``known`` are spans the vocabulary already covers
    (``known_types`` their concept types, when the caller has them).

    ``title_end`` is the end of the title (0 when the text has none); ``sentences`` are the
    sentence spans of the whole text; ``names`` the ``name_tokens`` of the text when the
    caller has them. ``decided`` (when given) receives the case-folded short forms of every
    abbreviation definition: the rules have typed or rejected them; ``zones`` (when given)
    receives the proposal zones (the text after "we propose", "called", ...).
    """
    if names is None:
        names = name_tokens(text)
    covered = sorted(known)
    starts = [s for s, _ in covered]
    reach = list(accumulate((e for _, e in covered), max))  # furthest end up to each span
    known_types = known_types or {}
    rejected: set[str] = set()  # short forms defined as tasks, metrics, ...: never names
    if decided is None:
        decided = set()

    def is_known(start: int, end: int) -> bool:
        before = bisect_left(starts, end)  # the spans starting before ``end``
        return before > 0 and reach[before - 1] > start

    out: list[Candidate] = []
    definitions = abbreviations(text)
    long_forms = [(d[0], d[1]) for d in definitions]
    # 1. abbreviation definitions
    for l_start, l_end, s_start, s_end in definitions:
        short, long_form = text[s_start:s_end], text[l_start:l_end]
        decided.add(short.casefold())
        lf_known = any(s <= l_start + 3 and e >= l_end - 1 for s, e in covered)
        head = _WORD.findall(long_form.lower())[-1:] or [""]
        # "Gated Transformer-XL (GTrXL)", "Agentic Retrieval-Augmented Generation (Agentic
        # RAG)": a modifier on a known concept names a new one of the same type.
        inner = next(
            (
                known_types[(s, e)]
                for s, e in covered
                if l_start + 3 < s and l_end - 1 <= e <= l_end and (s, e) in known_types
            ),
            None,
        )
        acceptable = short.casefold() not in STOP_NAMES and (
            head[0] not in _NOT_CONCEPT_HEADS or inner is not None
        )
        if not acceptable:
            rejected.add(short.casefold())
        kind = (
            head_type(long_form)
            or type_by_suffix(short)
            or inner
            or ("method" if head_word(long_form) in METHOD_HEADS else None)
            or ("method" if _TITLE_CASE_NAME.fullmatch(long_form) else None)
        )
        short_known = any(s <= s_start and e >= s_end - 1 for s, e in covered)
        sent = _sentence_of(sentences, s_start)
        usage = bool(_USAGE.search(text[sent[0] : l_start]))
        verb = _PROPOSE.search(text[sent[0] : l_start])
        # a description after the proposed name ("We present X, a spherical Fourier neural
        # operator (SFNO)": X is proposed, SFNO is what X is), unless it says the described
        # part is new too ("X, a novel architecture built on Y (Z)")
        described = bool(verb) and bool(
            _APPOSITIVE.search(text, sent[0] + verb.end(), l_start)
        ) and not _NOVEL.search(text, sent[0] + verb.end(), l_start)
        proposing = bool(
            (verb and not described)
            or _NAMING.search(text[max(sent[0], l_start - 20) : l_start])
        )
        # "deep neural networks (DNNs)": a plural abbreviation names a class, not a contribution
        plural = short.endswith("s") and sum(ch.isupper() for ch in short) >= 2
        proposed = proposing or not (usage or plural or described)
        if kind is None and proposing:
            kind = _context_type(text, l_start, s_end + 1, *sent) or "method"
        # A term defined with its own short form is a named thing of the text ("a
        # hierarchical motion history histogram (HMHH)"); its type is the sentence's, or a
        # technique: a weak prior the scorer decides on.
        untyped = kind is None and acceptable and not plural
        if untyped:
            kind = _context_type(text, l_start, s_end + 1, *sent) or "method"
        if short_known or lf_known:
            # components.py decides: link the unknown side to the known one, or (a known
            # short form defined as something else) a coined concept of type ``kind``.
            out.append(
                Candidate(
                    s_start,
                    s_end,
                    short,
                    kind if acceptable else None,
                    proposed,
                    0.8,
                    "abbrev-link",
                    (l_start, l_end),
                )
            )
            continue
        if not acceptable or kind is None:
            continue
        out.append(
            Candidate(
                s_start,
                s_end,
                short,
                kind,
                proposed,
                0.85 if proposing else 0.6 if untyped else 0.7,
                "abbreviation",
                (l_start, l_end),
            )
        )
    # 2. the title's "X: long title"
    if title_end:
        title = text[:title_end]
        colon = title.find(": ")
        if 0 < colon <= 40:
            head = re.sub(r"\s*\([^)]*\)$", "", title[:colon]).strip()
            rest = title[colon + 1 :].lower()
            survey = re.match(r"\s*(?:an?\s+)?(?:\w+\s+)?(?:survey|review|overview)", rest)
            last = head.lower().split()[-1:] or [""]
            if survey or last[0] in _NOT_CONCEPT_HEADS:
                head = ""
            words = head.split()
            if (
                head
                and head.casefold() not in _TITLE_STOP
                and not ({w.lower() for w in words} & _FUNCTION_WORDS)
                # "Revisiting ResNets: ...", "Towards Robust ViTs: ...": a phrase about a
                # concept, not a name
                and not (len(words) > 1 and (
                    _GERUND.fullmatch(words[0]) or words[0].lower() in _PHRASE_OPENERS))
            ):
                named = any(looks_like_name(w) for w in words) or (
                    len(words) == 1 and capitalised_name(words[0])
                )
                about = _sentence_about_known(head, covered)
                if named and len(words) <= 4 and not about:
                    out.append(Candidate(0, len(head), head, None, True, 0.85, "title"))
                elif about and not is_known(0, len(words[0])):
                    # "ProtoNet Strikes Back": the name the sentence is about, not proposed
                    first = words[0]
                    out.append(Candidate(0, len(first), first, type_by_suffix(first), False,
                                         0.6, "shape"))
    # 3. proposals and 4. typed name shapes, sentence by sentence over the abstract
    folded = text.lower() if text.isascii() else None  # for the gated searches
    collections = collection_words(text, folded)
    named_collections = {s: e for s, e in collections.items() if text[s + 1].isupper()}
    # the name tokens worth a look (strong names, or a word a collection word follows),
    # filtered once for the whole text; a lower-case word is none of them (no strong name,
    # no capitalised word), and most words are lower-case: that test comes first
    shaped = [
        n for n in names
        if not n[2].islower() and (
            strong_name(n[2])
            or (n[1] in collections and _named_collection(text, n[0], n[2]))
            # before a capitalised collection word any capitalised word ("Quill Code Dataset")
            or (n[1] in named_collections and n[2][:1].isupper()
                and not opens_sentence(text, n[0]))
        )
    ]
    naming, proposing = NAMING.scanned(folded, sentences), PROPOSE.scanned(folded, sentences)
    appositives = _by_sentence([(end, end, "") for end in appositive_ends(text, folded)],
                               sentences)
    # most sentences hold no proposal, naming or shaped name: only the others are visited
    shaped_in = _by_sentence(shaped, sentences)
    for i in sorted(naming | proposing | shaped_in.keys() | appositives.keys()):
        sent_start, sent_end = sentences[i]
        if sent_end <= abstract_start:
            continue
        sentence = text[sent_start:sent_end]
        found = NAMING.pattern.finditer(sentence) if i in naming else ()
        namings = [sent_start + m.end() for m in found]
        namings += [end for end, _, _ in appositives.get(i, ())]
        proposal_zones: list[tuple[int, int]] = []
        for m in PROPOSE.pattern.finditer(sentence) if i in proposing else ():
            zone = (sent_start + m.end(), min(sent_end, sent_start + m.end() + 90))
            if not any(zone[0] <= n < zone[1] for n in namings):  # "... named X" decides
                proposal_zones.append(zone)
        proposal_zones += [(n, min(sent_end, n + 40)) for n in namings]
        if zones is not None:
            zones += proposal_zones
        for zone in proposal_zones:
            out.extend(c for c in (_proposed_names(text, zone, covered, long_forms, known_types)
                                   or _proposed_phrase(text, zone, covered))
                       if c.text.casefold() not in rejected)  # "Our SLR2 model": a task's
        for t_start, t_end, token in shaped_in.get(i, ()):
            if is_known(t_start, t_end) and not _extends_known(
                text, t_start, t_end, covered, starts
            ):
                continue
            if text[t_start - 1 : t_start] in ("/", ".", "@"):
                continue  # part of a URL or e-mail address
            if any(s < t_end and t_start < e for s, e in long_forms):
                continue
            if any(d[2] == t_start for d in definitions) or token.casefold() in rejected:
                continue  # a defined abbreviation: typed (or rejected) from its long form
            named_end = named_collections.get(t_end)
            kind = "benchmark" if named_end else type_by_suffix(token) or _context_type(
                text, t_start, t_end, sent_start, sent_end
            ) or (None if _adjective(token) else _compared_with(text, sent_start, t_start, t_end))
            if kind is None or metric_named_after(text, t_end, kind):
                continue
            if t_end in collections:  # "the ZebraLogic Grid benchmark": the words before
                run_start = _name_run_start(text, t_start, sent_start, is_known)
                if run_start is None:
                    continue  # "the ImageNet Sketch benchmark": a known name goes on
                if run_start == t_start and token.casefold() in STOP_NAMES:
                    continue  # "the Code Dataset": one everyday word is no name
                t_start, t_end = run_start, named_end or t_end
            t_end = with_version(text, t_end)
            out.append(Candidate(t_start, t_end, text[t_start:t_end], kind, False, 0.6, "shape"))
    return out


_PREVIOUS_WORD = re.compile(r"([^\W_][\w.+'’-]*) $")
# A version after a name: "TrellisQA V2", "Orchard-Bench 2.0", "SpoonBench v1.5", a point
# release ("GPT-4.5" after GPT-4) or, after a size, a glued one ("Whisper-large-v3"). Not a
# score or a quantity ("MMLU 7.2 points", "2.5x").
VERSION_AFTER = re.compile(
    r"(?:(?<=\d)\.\d+|[ ][vV]\d+(?:\.\d+)*|[ ]\d\.\d{1,2}|[-‐][vV]\d+(?:\.\d+)*)"
    r"(?![\w%‰-]|[.,]\d)(?!\s*(?:[x×]|times|points?|pp|percent|fold|[kKMGT]?B)\b)"
)


def with_version(text: str, end: int) -> int:
    """The end of a name with the version written after it, if any."""
    version = VERSION_AFTER.match(text, end)
    return version.end() if version else end


# What a paper is compared with, right before a list of names: "outperforms X and Y",
# "compared against X", "than X", "unlike X", "improves recall by 3 points over X" (up to
# four names and list glue between).
_COMPARED = re.compile(
    r"(?:\b[oO]utperform\w*|\b[sS]urpass\w*|\b[bB]eat(?:s|ing)?|\b[cC]ompar\w+ "
    r"(?:with|to|against)|\b[aA]gainst|\bthan|\b[vV]ersus|\bvs\.?|\b[iI]n contrast to|"
    r"\b[uU]nlike|\b[rR]elative to|\b(?:improv\w*|gains?)\b[^;:]{0,60}? over)"
    r" (?:(?:the|strong|prior|existing|recent|state-of-the-art) )*"
    r"(?:[\w.+-]+,? (?:and |or )?){0,4}$"
)


# What may follow a baseline's name: list glue, a preposition, an adverb; any other
# lower-case word makes the name a modifier ("over Top-2 routing", "on CCS diagnosis codes").
_AFTER_BASELINE = re.compile(
    r"[ \t]+(?!(?:and|or|on|in|by|across|among|with|without|which|while|whereas|for|at|to|"
    r"as|from|when|both|respectively|under|over|than|despite|using|via|alone|only|too|"
    r"also|here|there|again|then|even|still|is|are|was|were|be|been|has|have|had|can|could|"
    r"may|might|will|would|does|do|did|"
    r"\w+ly)\b)[a-z]"
)


def _compared_with(text: str, sent_start: int, start: int, end: int) -> str | None:
    """"method" for a name the paper is compared with (a baseline: a system, written as a
    name, ending its noun phrase), which no type word or suffix types; None elsewhere."""
    if _AFTER_BASELINE.match(text, end):
        return None
    return "method" if _COMPARED.search(text, max(sent_start, start - 120), start) else None


def _adjective(token: str) -> bool:
    """A hyphenated adjective, not a name: "CUDA-optimized", "GPU-friendly"."""
    return "-" in token and token.rsplit("-", 1)[1].islower()


def _name_run_start(text: str, start: int, sent_start: int, is_known) -> int | None:
    """Where the name ending at the word at ``start`` begins: up to three capitalised or
    name-shaped words before it (not a sentence's capitalised first word); None when a
    known name comes right before (the word continues that name)."""
    for _ in range(3):
        before = _PREVIOUS_WORD.search(text, max(sent_start, start - 40), start)
        if before is None:
            break
        word = before.group(1)
        if is_known(before.start(1), before.end(1)):
            return None
        shaped = looks_like_name(word)
        if word.casefold() in STOP_NAMES or not (shaped or capitalised_name(word)):
            break
        if not shaped and opens_sentence(text, before.start(1)):
            break
        start = before.start(1)
    return start


def _sentence_about_known(head: str, covered: list[tuple[int, int]]) -> bool:
    """A title head that opens with a name (known, or shaped like one) and goes on in plain
    words is a sentence about that name ("ResNet Strikes Back", "Least-to-Most Prompting
    Revisited"), not a new name: two plain words or more, or one that reads as a verb (-s,
    -ed)."""
    lead = max((e for s, e in covered if s == 0 and e < len(head)), default=0)
    first = head.split()[0]
    if not lead and looks_like_name(first):
        lead = len(first)
    rest = head[lead:].split()
    if not lead or not rest or not all(_PLAIN_WORD.fullmatch(w) for w in rest):
        return False
    return len(rest) >= 2 or rest[0].endswith(("s", "ed"))


def _by_sentence(
    tokens: list[tuple[int, int, str]], sentences: list[tuple[int, int]]
) -> dict[int, list[tuple[int, int, str]]]:
    """The tokens (in order) of each sentence that starts one, by the sentence's index."""
    starts = [start for start, _ in sentences]
    out: dict[int, list[tuple[int, int, str]]] = {}
    for token in tokens:
        i = bisect_right(starts, token[0]) - 1
        if i >= 0 and token[0] < sentences[i][1]:
            out.setdefault(i, []).append(token)
    return out


_LONG_FORM_GAP = "[\\s‐-]+"
_GAP_CHARS = frozenset(" \t\n\r\f\v\x1c\x1d\x1e\x1f‐-")


def long_form_spans(text: str, long_form: str) -> set[tuple[int, int]]:
    """Where a long form recurs, case-insensitively, its words apart by spaces or hyphens.

    Defined as the expression ``\\b word [\\s‐-]+ word ... \\b`` (re.I). Compiling one per
    name costs more than extracting a whole abstract, so ASCII text is searched with
    ``str.find`` on the lower-cased text and the same boundary checks; other text (where
    re.I folds more than ``str.lower``) and empty words use the expression.
    """
    words = re.split(r"[\s‐-]+", long_form)
    if not (text.isascii() and all(words)):
        pattern = r"\b" + _LONG_FORM_GAP.join(map(re.escape, words)) + r"\b"
        return {(m.start(), m.end()) for m in re.finditer(pattern, text, re.I)}
    lowered, words = text.lower(), [w.lower() for w in words]
    first, rest, size = words[0], words[1:], len(text)
    spans: set[tuple[int, int]] = set()
    start = lowered.find(first)
    while start >= 0:
        end = _long_form_end(lowered, start, first, rest, size)
        if end is None:
            start = lowered.find(first, start + 1)
        else:
            spans.add((start, end))
            start = lowered.find(first, end)
    return spans


def _long_form_end(lowered: str, start: int, first: str, rest: list[str], size: int) -> int | None:
    """The end of the long form matched at ``start``, or None (ASCII: \\w is [a-z0-9_])."""
    if _is_word(lowered, start - 1) == _is_word(lowered, start):
        return None
    end = start + len(first)
    for word in rest:
        gap = end
        while gap < size and lowered[gap] in _GAP_CHARS:
            gap += 1
        if gap == end or not lowered.startswith(word, gap):
            return None
        end = gap + len(word)
    return None if _is_word(lowered, end - 1) == _is_word(lowered, end) else end


def _is_word(text: str, pos: int) -> bool:
    return 0 <= pos < len(text) and (text[pos].isalnum() or text[pos] == "_")
