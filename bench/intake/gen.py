#!/usr/bin/python3
"""gen.py N OUT: N rows of the benchmark partner's file (bench/intake/framework.yaml)."""
import random
import sys

n = int(sys.argv[1])
rnd = random.Random(7)
given = ["Ana", "Bob", "Chloé", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan", "June",
         "Kofi", "Lena", "Mateo", "Nia", "Omar", "Priya"]
family = ["Lopez", "Smith", "Ng", "Müller", "O'Brien", "Kowalski", "Diaz", "Kim",
          "Nguyen", "Okafor", "Rossi", "Schmidt"]
sexes = ["Female", "Male", "Other", "Unknown"]
progs = ["TUT", "MEN", "STEM"]
out = open(sys.argv[2], "w", encoding="utf-8", newline="")
out.write("Client ID,First Name,Last Name,DOB,Gender,Zip,Service Date,Minutes,Visit Count,Program,Completed\n")
buf = []
for i in range(n):
    buf.append("C%07d,%s,%s,%02d/%02d/%04d,%s,%05d,%02d/%02d/2026,%d,%d,%s,%s\n" % (
        i, rnd.choice(given), rnd.choice(family), rnd.randint(1, 12), rnd.randint(1, 28),
        rnd.randint(1950, 2020), rnd.choice(sexes), rnd.randint(92501, 92599),
        rnd.randint(7, 9), rnd.randint(1, 28), rnd.randint(0, 6000), rnd.randint(0, 400),
        rnd.choice(progs), rnd.choice(["Y", "N", ""])))
    if len(buf) >= 10000:
        out.write("".join(buf))
        buf = []
out.write("".join(buf))
out.close()
