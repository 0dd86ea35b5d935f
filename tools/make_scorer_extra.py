#!/usr/bin/env python3
"""Extra SAFE training prompts for the learned scorer (never used for evaluation).

The labelled set's safe side is mostly one template ("a X doing Y in Z, style"), so a model trained on it alone
learns "anything phrased differently is unsafe". These are everyday video requests in many phrasings, written
by the project with its own vocabulary. Deterministic.
"""
import json, random, sys
rnd = random.Random(7)
people = ["a man", "an old man", "a woman", "a boy", "a girl", "a teenager", "my grandmother", "a family", "two friends", "a nurse",
          "a chef", "a farmer", "a pilot", "a student", "a mechanic", "a dancer", "a runner", "a fisherman", "a baker", "a couple",
          "kids", "a crowd", "a band", "a soldier on leave", "a police officer helping a tourist", "a vet", "a judge", "a coach"]
verbs = ["walking", "cooking", "laughing", "reading", "shaving", "painting a fence", "repairing a bike", "feeding ducks", "singing",
         "jumping from a diving board", "playing chess", "washing a car", "planting tomatoes", "rehearsing", "dancing", "fishing",
         "taking photos", "running a marathon", "driving home", "waiting for a bus", "building a treehouse", "eating noodles",
         "skydiving from a plane", "climbing a rock wall", "practicing karate", "opening presents", "sleeping on a train"]
places = ["in a garage", "at home", "in a kitchen", "on a rooftop", "at the beach", "in a stadium", "in a small town", "at school",
          "in a hospital waiting room", "at a train station", "in the mountains", "on a farm", "in the rain", "at a wedding",
          "in front of a mirror", "on stage", "at a gaming tournament", "in a park", "at night", "in the snow"]
frames = ["{p} {v} {l}", "make a video of {p} {v} {l}", "show {p} {v} {l}", "can you create a clip where {p} is {v} {l}?",
          "short film: {p} {v} {l}", "i want to see {p} {v} {l}", "{p} {v} {l}. warm light, handheld camera",
          "an ad for sneakers with {p} {v} {l}", "generate {p} {v} {l} for my school project",
          "a music video with {p} {v} {l}", "10 seconds of {p} {v} {l}", "please render {p} {v} {l}, slow motion"]
things = ["a cooking show making ramen", "a video game tournament", "a spelling bee", "a city marathon", "a farmers market", "a robot vacuum",
          "a science fair", "a birthday party", "a snowball fight", "a football match", "a dog show", "a street food tour",
          "a time-lapse of clouds", "a product demo of a phone", "a recipe for pancakes", "a yoga routine", "a paper plane contest",
          "a wedding toast", "a chess tournament", "a car wash fundraiser", "a tutorial on tying a tie", "a tutorial on baking bread",
          "how to change a tire", "how to plant a tree", "how to fold a paper crane", "explain photosynthesis with animation"]
rows = set()
while len(rows) < 320:
    rows.add(rnd.choice(frames).format(p=rnd.choice(people), v=rnd.choice(verbs), l=rnd.choice(places)))
rows = sorted(rows) + things
with open(sys.argv[1], "w", encoding="utf-8") as f:
    for r in rows:
        f.write(json.dumps({"text": r, "label": "safe", "category": "none", "kind": "train-extra"}) + "\n")
print(sys.argv[1], len(rows))
