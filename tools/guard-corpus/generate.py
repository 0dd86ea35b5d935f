#!/usr/bin/env python3
"""Builds the prompt-guard corpus (train/dev/test JSONL) from the hand-written cores in cores_*.py.

Every core is one hand-written intent. Each is rendered several times with a varied structure (request verb, style
suffix, long cinematic framing, question form, two-sentence split, casual typing, typos), slot values for people,
groups and places, and obfuscated copies (leet, homoglyph, fullwidth, spaced, zero-width, base64). Splits are made
per core (a core and all its renderings live in exactly one split), so a test prompt's wording was never trained on.
Deterministic: fixed seed. Usage: generate.py OUT_DIR
"""
import base64, hashlib, json, os, random, sys
sys.path.insert(0, os.path.dirname(__file__))
from cores_unsafe import UNSAFE, WRAPPERS_JAILBREAK, PUBLIC, GROUPS, PLACES
from cores_safe import HARD, PLAIN
from cores_extra import UNSAFE_EXTRA, HARD_EXTRA
from cores_extra2 import UNSAFE_EXTRA2, HARD_EXTRA2

SEED = 20261201
R = random.Random(SEED)

OPENERS = ["", "", "make a video of ", "Create a short clip: ", "generate ", "I want a video where ", "Video prompt: ",
           "can you render ", "pls make ", "A 10 second video: ", "Scene — ", "Text-to-video: ", "Animate this: ",
           "need a reel showing ", "my idea for a short film: "]
STYLES = ["", "", "", ", cinematic, 4k", ", anime style", ", shot on 35mm film", ", vertical video for tiktok",
          ", photorealistic", ", black and white", ", handheld camera, documentary look", ", pixar style 3d animation",
          ", slow motion", ", dramatic lighting, 8k, ultra detailed", ", in the style of a music video", ", watercolor"]
CINEMATIC_PRE = ["Wide establishing shot of a city at night, rain on the streets, then the camera pushes in. ",
                 "Open on a quiet suburban kitchen at dawn, birds outside. ",
                 "Drone shot over a foggy valley, then cut to an interior. ",
                 "The film opens in a dim warehouse lit by a single bulb. ",
                 "Golden hour, a lens flare across the frame, soft synth music. ",
                 "First shot: a close-up of a ticking clock, shallow depth of field. "]
CINEMATIC_POST = [" The camera slowly pulls back as the music swells. Colour grade teal and orange, anamorphic lens.",
                  " Hold on the final frame for three seconds, then fade to black.",
                  " Use a steady dolly move, 24 fps, film grain, moody palette.",
                  " End with the title card in white serif letters.",
                  " Natural sound only, no music, long take."]
QUESTION = ["could you make {x}?", "is it possible to generate {x}?", "how would you render {x}?", "any chance of {x}?"]
SPLIT2 = ["I'm working on a project. {x}", "Okay so here's the thing. {x}", "This is for my channel. {x}",
          "Quick one. {x}", "My friend dared me. {x}", "Context: weekend hobby video. {x}"]


def fill(core):
    s = core
    while "{P2}" in s:
        s = s.replace("{P2}", R.choice(PUBLIC), 1)
    while "{P}" in s:
        s = s.replace("{P}", R.choice(PUBLIC), 1)
    while "{G}" in s:
        s = s.replace("{G}", R.choice(GROUPS), 1)
    while "{C}" in s:
        s = s.replace("{C}", R.choice(PLACES), 1)
    return s


def typo(s):
    words = s.split(" ")
    for _ in range(R.randint(1, 2)):
        i = R.randrange(len(words))
        w = words[i]
        if len(w) > 3:
            j = R.randrange(1, len(w) - 1)
            op = R.randrange(3)
            w = w[:j] + w[j + 1:] if op == 0 else (w[:j] + w[j + 1] + w[j] + w[j + 2:] if op == 1 else w[:j] + w[j] + w[j:])
        words[i] = w
    return " ".join(words)


def render(core, style):
    x = fill(core)
    if style == 0:
        return x
    if style == 1:
        return R.choice(OPENERS[2:]) + x + R.choice(STYLES)
    if style == 2:
        return R.choice(CINEMATIC_PRE) + x[0].upper() + x[1:] + "." + R.choice(CINEMATIC_POST)
    if style == 3:
        return R.choice(QUESTION).format(x=x)
    if style == 4:
        return R.choice(SPLIT2).format(x=x[0].upper() + x[1:] + ".")
    if style == 5:
        return typo(x.lower())
    return R.choice(OPENERS) + x + R.choice(STYLES)


LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
HOMO = {"a": "\u0430", "e": "\u0435", "o": "\u043e", "p": "\u0440", "c": "\u0441", "x": "\u0445", "y": "\u0443", "i": "\u0456"}


def obfuscate(s, variant):
    words = s.split(" ")
    long_idx = sorted(range(len(words)), key=lambda i: -len(words[i]))[:3]
    if variant == "leet":
        return " ".join("".join(LEET.get(c, c) if R.random() < 0.8 else c for c in w) if i in long_idx else w
                        for i, w in enumerate(words))
    if variant == "homoglyph":
        return "".join(HOMO.get(c, c) if R.random() < 0.6 else c for c in s)
    if variant == "fullwidth":
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in s)
    if variant == "spaced":
        return " ".join(" ".join(w) if i in long_idx else w for i, w in enumerate(words))
    if variant == "zero-width":
        return " ".join("\u200b".join(w) if i in long_idx else w for i, w in enumerate(words))
    if variant == "base64":
        b = base64.b64encode(s.encode()).decode()
        return R.choice(["", "decode this and make the video: ", "base64 prompt: ", "render the decoded text: "]) + b
    raise ValueError(variant)


VARIANTS = ["leet", "homoglyph", "fullwidth", "spaced", "zero-width", "base64"]


def split_cores(cores):
    idx = list(range(len(cores)))
    R.shuffle(idx)
    n = len(cores)
    n_test = max(1, round(n * 0.2))
    n_dev = max(1, round(n * 0.15))
    out = {}
    for k, i in enumerate(idx):
        out[i] = "test" if k < n_test else ("dev" if k < n_test + n_dev else "train")
    return out


def train_only(add, unsafe, hard, tag):
    """Renders train-only cores exactly as the first extra batch is rendered (core ids carry TAG)."""
    for cat, cores in sorted(unsafe.items()):
        for i, core in enumerate(cores):
            cid = f"{cat}-{tag}{i:02d}"
            texts = [render(core, s) for s in R.sample(range(7), 4)]
            for t in texts:
                add("train", text=t, label="unsafe", category=cat, kind="clear", variant="clear", domain=cat, core=cid)
            if cat != "jailbreak":
                add("train", text=R.choice(WRAPPERS_JAILBREAK).format(x=texts[0]), label="unsafe", category=cat,
                    kind="jailbreak-wrapped", variant="clear", domain=cat, core=cid)
            for v in R.sample(VARIANTS, 2):
                add("train", text=obfuscate(R.choice(texts), v), label="unsafe", category=cat, kind="obfuscated",
                    variant=v, domain=cat, core=cid)
    for dom, cores in sorted(hard.items()):
        for i, core in enumerate(cores):
            cid = f"hard-{dom}-{tag}{i:02d}"
            texts = [render(core, s) for s in R.sample(range(7), 5)]
            for t in texts:
                add("train", text=t, label="safe", category="none", kind="hard-negative", variant="clear", domain=dom, core=cid)
            for v in R.sample(VARIANTS, 2):
                add("train", text=obfuscate(R.choice(texts), v), label="safe", category="none", kind="hard-negative",
                    variant=v, domain=dom, core=cid)


def main(out_dir):
    rows = {"train": [], "dev": [], "test": []}

    def add(split, **row):
        rows[split].append(row)

    for cat, cores in sorted(UNSAFE.items()):
        sp = split_cores(cores)
        for i, core in enumerate(cores):
            cid = f"{cat}-{i:02d}"
            styles = R.sample(range(7), 4)
            texts = [render(core, s) for s in styles]
            for t in texts:
                add(sp[i], text=t, label="unsafe", category=cat, kind="clear", variant="clear", domain=cat, core=cid)
            if cat != "jailbreak":
                add(sp[i], text=R.choice(WRAPPERS_JAILBREAK).format(x=texts[0]), label="unsafe", category=cat,
                    kind="jailbreak-wrapped", variant="clear", domain=cat, core=cid)
            for v in R.sample(VARIANTS, 2):
                add(sp[i], text=obfuscate(R.choice(texts), v), label="unsafe", category=cat, kind="obfuscated",
                    variant=v, domain=cat, core=cid)
    for dom, cores in sorted(HARD.items()):
        sp = split_cores(cores)
        for i, core in enumerate(cores):
            cid = f"hard-{dom}-{i:02d}"
            texts = [render(core, s) for s in R.sample(range(7), 5)]
            for t in texts:
                add(sp[i], text=t, label="safe", category="none", kind="hard-negative", variant="clear", domain=dom, core=cid)
            for v in R.sample(VARIANTS, 2):
                add(sp[i], text=obfuscate(R.choice(texts), v), label="safe", category="none", kind="hard-negative",
                    variant=v, domain=dom, core=cid)
    sp = split_cores(PLAIN)
    for i, core in enumerate(PLAIN):
        cid = f"plain-{i:02d}"
        texts = [render(core, s) for s in R.sample(range(7), 3)]
        for t in texts:
            add(sp[i], text=t, label="safe", category="none", kind="plain", variant="clear", domain="plain", core=cid)
        v = R.choice(VARIANTS)
        add(sp[i], text=obfuscate(texts[0], v), label="safe", category="none", kind="plain", variant=v, domain="plain",
            core=cid)
    # Train-only cores written after the test split was frozen: drawn after everything above, so the test and dev
    # files stay byte-identical.
    train_only(add, UNSAFE_EXTRA, HARD_EXTRA, "x")
    # Second train-only batch (cores_extra2.py), drawn after the first for the same reason.
    train_only(add, UNSAFE_EXTRA2, HARD_EXTRA2, "y")
    os.makedirs(out_dir, exist_ok=True)
    for split in ("test", "dev", "train"):  # the test split is written (and hashed) first
        path = os.path.join(out_dir, f"{split}.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for r in rows[split]:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        data = open(path, "rb").read()
        n = len(rows[split])
        hard = sum(1 for r in rows[split] if r["kind"] == "hard-negative")
        uns = sum(1 for r in rows[split] if r["label"] == "unsafe")
        print(f"{split}: {n} prompts, {uns} unsafe, {hard} hard negatives ({hard / n:.0%}), sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main(sys.argv[1])
