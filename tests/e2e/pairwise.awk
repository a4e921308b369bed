# pairwise.awk: pairwise precision, recall and F1 of a `backbone link-files`
# result (file,id,participant_id) against FEBRL truth: ids rec-N-org and
# rec-N-dup-K with the same N are one person.  Prints "P R F1 TP FP FN".
#   awk -F, -f pairwise.awk out.csv
NR == 1 { next }
{
	split($2, part, "-")
	person = part[2]
	pred[$3]++
	truth[person]++
	both[$3 SUBSEP person]++
}
function pairs(n) { return n * (n - 1) / 2 }
END {
	for (k in pred) p += pairs(pred[k])
	for (k in truth) t += pairs(truth[k])
	for (k in both) tp += pairs(both[k])
	prec = p ? tp / p : 1
	rec = t ? tp / t : 1
	f1 = prec + rec ? 2 * prec * rec / (prec + rec) : 0
	printf "%.4f %.4f %.4f %d %d %d\n", prec, rec, f1, tp, p - tp, t - tp
}
