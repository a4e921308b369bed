#!/usr/bin/python3
# demo_truth.py: the demo initiative's indicator figures computed a second
# way, independently of backbone's expression engine: from the canonical
# records backbone exported (DIR/records/*.csv), with every record's person
# taken from the generator's ground truth (linked in the store by the test),
# and each of examples/riverside/framework.yaml's indicators written out by
# hand below.  Every figure backbone exported (DIR/indicator_values.csv) is
# compared with this computation, and every figure this computation finds
# must be among backbone's.
#
#   demo_truth.py DIR        prints "N figures compared" or the differences
import csv
import datetime as dt
import os
import sys

d = sys.argv[1]
SCHOOL_START, FISCAL_START = 8, 7


def records(ds):
    with open(os.path.join(d, 'records', ds + '.csv'), newline='') as f:
        return list(csv.DictReader(f))


def day(s):
    return dt.date.fromisoformat(s) if s else None


def num(s):
    return float(s) if s not in ('', None) else None


def period_of(cadence, x):
    if cadence == 'monthly':
        start = dt.date(x.year, x.month, 1)
        nxt = dt.date(x.year + (x.month == 12), x.month % 12 + 1, 1)
        return '%04d-%02d' % (x.year, x.month), start, nxt - dt.timedelta(days=1)
    if cadence == 'quarterly':
        q = (x.month - 1) // 3
        start = dt.date(x.year, q * 3 + 1, 1)
        nxt = dt.date(x.year + (q == 3), (q * 3 + 3) % 12 + 1, 1)
        return '%04d-Q%d' % (x.year, q + 1), start, nxt - dt.timedelta(days=1)
    if cadence == 'school_year':
        y = x.year if x.month >= SCHOOL_START else x.year - 1
        return ('SY%04d-%02d' % (y, (y + 1) % 100), dt.date(y, SCHOOL_START, 1),
                dt.date(y + 1, SCHOOL_START, 1) - dt.timedelta(days=1))
    return '%04d' % x.year, dt.date(x.year, 1, 1), dt.date(x.year, 12, 31)


def label_start(l):
    # the first day of a monthly (2026-07) or quarterly (2026-Q3) label
    if l[5] == 'Q':
        return dt.date(int(l[:4]), (int(l[6]) - 1) * 3 + 1, 1)
    return dt.date(int(l[:4]), int(l[5:7]), 1)


def who(r):
    return r['_participant_id'] or ('record', r['_record_id'])


def median(v):
    v = sorted(v)
    n = len(v)
    if n == 0:
        return None
    h = (n - 1) * 0.5
    i = int(h)
    return v[i] if i + 1 >= n else v[i] + (h - i) * (v[i + 1] - v[i])


def age(r, p):
    # whole years at the period's end, as age(birth_date) computes it
    b = day(r['birth_date'])
    if b is None:
        return None
    e = p[2]
    return e.year - b.year - ((e.month, e.day) < (b.month, b.day))


def label(r, field):
    v = r.get(field, '')
    return v if v != '' else '(missing)'


# Each indicator: dataset, date field, cadence, disaggregations, and how a
# record counts: count people where num(r, p) / den(r, p); a median; a sum.
def within(x, p):
    return x is not None and p[1] <= x <= p[2]


IND = {
    'kindergarten-ready': dict(ds='enrollments', date='entry_date', cad='school_year',
        by=['sex', 'race_ethnicity', 'school_code'], kind='percent',
        num=lambda r, p: r['grade'] == 'K' and r['kindergarten_ready'] == 'true',
        den=lambda r, p: r['grade'] == 'K'),
    'children-screened': dict(ds='health_visits', date='visit_date', cad='quarterly',
        by=['sex', 'postcode'], kind='people',
        num=lambda r, p: r['visit_type'] == 'developmental_screening' and r['screening_result'] != ''),
    'screenings-scored': dict(ds='health_visits', date='visit_date', cad='quarterly',
        by=[], kind='percent',
        num=lambda r, p: r['visit_type'] == 'developmental_screening' and r['screening_result'] != '',
        den=lambda r, p: r['visit_type'] == 'developmental_screening'),
    'grade3-reading': dict(ds='assessments', date='assessment_date', cad='school_year',
        by=[], kind='percent',
        num=lambda r, p: r['grade'] == '3' and num(r['reading_level']) >= 3,
        den=lambda r, p: r['grade'] == '3'),
    'chronic-absence': dict(ds='attendance', date='month_start', cad='monthly',
        by=['school_code'], kind='percent',
        num=lambda r, p: num(r['days_present']) is not None and num(r['days_enrolled']) is not None
            and num(r['days_present']) < 0.9 * num(r['days_enrolled']),
        den=lambda r, p: num(r['days_enrolled']) is not None and num(r['days_enrolled']) > 0),
    # `from all`: every record, counted in each period it was enrolled in.
    'students-k3': dict(ds='enrollments', date='entry_date', cad='monthly', all=True,
        by=['grade', 'school_code'], kind='people',
        num=lambda r, p: r['grade'] in ('K', '1', '2', '3')
            and day(r['entry_date']) <= p[2]
            and (r['exit_date'] == '' or day(r['exit_date']) >= p[1])),
    # Several datasets read as one, each dated by its own period field; a
    # child served by two of them is one person.
    'children-reached': dict(ds=[('program_participation', 'start_date'),
                                 ('summer_reading', 'registration_date'),
                                 ('health_visits', 'visit_date')],
        date='_date', cad='quarterly', by=[], kind='people', num=lambda r, p: True),
    'summer-readers': dict(ds='summer_reading', date='registration_date', cad='annual',
        by=['postcode'], kind='people',
        num=lambda r, p: within(day(r['registration_date']), p) and num(r['books_read']) is not None
            and num(r['books_read']) > 0),
    'afterschool-completion': dict(ds='program_participation', date='start_date', cad='quarterly',
        by=['program_type', 'sex'], kind='percent',
        num=lambda r, p: r['completed'] == 'true' and num(r['hours']) is not None and num(r['hours']) > 0,
        den=lambda r, p: num(r['hours']) is not None and num(r['hours']) > 0),
    'days-to-placement': dict(ds='job_placements', date='enrollment_date', cad='quarterly',
        by=[], kind='median', val=lambda r: num(r['days_to_placement'])),
    'young-adults-placed': dict(ds='job_placements', date='enrollment_date', cad='quarterly',
        by=['employment_type'], kind='people',
        num=lambda r, p: within(day(r['placement_date']), p)
            and r['employment_type'] in ('full_time', 'part_time')
            and age(r, p) is not None and 18 <= age(r, p) <= 24),
    'jobs-kept-90-days': dict(ds='job_placements', date='enrollment_date', cad='quarterly',
        all=True, by=[], kind='people',
        num=lambda r, p: r['placement_date'] != ''
            and within(day(r['placement_date']) + dt.timedelta(days=90), p)
            and (r['separation_date'] == ''
                 or day(r['separation_date']) > day(r['placement_date']) + dt.timedelta(days=90))),
    'families-housed': dict(ds='household_counts', date='report_month', cad='monthly',
        by=['age_band'], kind='sum', val=lambda r: num(r['households']),
        num=lambda r, p: r['housing_status'] == 'housed' and r['age_band'] in ('18-24', '25-61')),
    'households-unsheltered': dict(ds='household_counts', date='report_month', cad='monthly',
        by=['age_band'], kind='sum', val=lambda r: num(r['households']),
        num=lambda r, p: r['housing_status'] == 'unsheltered'),
}

def count_in(spec, r, p, cells):
    keys = [('', '')] + [(b, label(r, b)) for b in spec['by']]
    for scope in ('', r['_partner']):
        for by, group in keys:
            c = cells.setdefault((p[0], scope, by, group),
                                 dict(num=set(), den=set(), vals=[], sum=0.0))
            if spec['kind'] in ('people', 'percent'):
                if spec['num'](r, p):
                    c['num'].add(who(r))
                if spec['kind'] == 'percent' and spec['den'](r, p):
                    c['den'].add(who(r))
            elif spec['kind'] == 'median':
                v = spec['val'](r)
                if v is not None:
                    c['vals'].append(v)
            else:
                if spec['num'](r, p):
                    c['sum'] += spec['val'](r) or 0


theirs = {}
with open(os.path.join(d, 'indicator_values.csv'), newline='') as f:
    for r in csv.DictReader(f):
        theirs[(r['indicator'], r['period'], r['partner'], r['by'], r['group'])] = \
            float(r['value']) if r['value'] != '' else None

cache = {}
mine = {}
for ind, spec in IND.items():
    if isinstance(spec['ds'], list):
        rows = []
        for ds, datefield in spec['ds']:
            for r in records(ds):
                r = dict(r)
                r['_date'] = r[datefield]
                rows.append(r)
    else:
        rows = cache.setdefault(spec['ds'], records(spec['ds']))
    cells = {}
    # A `from all` indicator sees every record in each period reported (the
    # periods the partners submitted for), so a record counts in every
    # period it qualifies for; which periods are reported is backbone's
    # (monthly labels here), the figures in them are computed here.
    periods = None
    if spec.get('all'):
        labels = {k[1] for k in theirs if k[0] == ind}
        periods = sorted(period_of(spec['cad'], label_start(l)) for l in labels)
    for r in rows:
        x = day(r[spec['date']])
        if x is None:
            continue
        for p in (periods if periods else [period_of(spec['cad'], x)]):
            count_in(spec, r, p, cells)
    for k, c in cells.items():
        if spec['kind'] == 'people':
            v = len(c['num'])
        elif spec['kind'] == 'percent':
            v = 100.0 * len(c['num']) / len(c['den']) if c['den'] else None
        elif spec['kind'] == 'median':
            v = median(c['vals'])
        else:
            v = c['sum']
        mine[(ind,) + k] = v

bad = []
for k in sorted(set(mine) | set(theirs)):
    a, b = theirs.get(k, 'absent'), mine.get(k, 'absent')
    same = (a == b) if (a is None or b is None or 'absent' in (a, b)) else abs(a - b) <= 1e-6
    if not same:
        bad.append('%s: backbone %s, truth %s' % ('/'.join(k), a, b))
indicators = {k[0] for k in theirs}
if bad:
    print('%d figures differ (of %d):' % (len(bad), len(mine)))
    print('\n'.join(bad[:20]))
    sys.exit(1)
print('%d figures compared, %d indicators, 0 differ' % (len(mine), len(indicators)))
