package synth

import "time"

// day is a calendar date. Dates are written YYYY-MM-DD.
type day struct{ y, m, d int }

var monthStarts = [13]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365}

// fromDayOfYear turns 0-364 into a date of year, on the calendar of a
// common year (so it exists in every year; nobody is born on 29 February).
func fromDayOfYear(year, n int) day {
	m := 1
	for monthStarts[m] <= n {
		m++
	}
	return day{year, m, n - monthStarts[m-1] + 1}
}

func dayOf(t time.Time) day {
	y, m, d := t.Date()
	return day{y, int(m), d}
}

func (d day) time() time.Time { return time.Date(d.y, time.Month(d.m), d.d, 0, 0, 0, 0, time.UTC) }

// addDays moves a date (time.Date normalises).
func (d day) addDays(n int) day { return dayOf(d.time().AddDate(0, 0, n)) }

func (d day) addYears(n int) day { return dayOf(d.time().AddDate(n, 0, 0)) }

func (d day) before(e day) bool {
	if d.y != e.y {
		return d.y < e.y
	}
	if d.m != e.m {
		return d.m < e.m
	}
	return d.d < e.d
}

// between returns a random date in [lo, hi] (lo when hi is before lo).
func (r *rng) dayBetween(lo, hi day) day {
	a, b := lo.time(), hi.time()
	n := int(b.Sub(a).Hours() / 24)
	if n <= 0 {
		return lo
	}
	return lo.addDays(r.intn(n + 1))
}

// appendDate appends YYYY-MM-DD.
func appendDate(b []byte, d day) []byte {
	b = appendPadded(b, d.y, 4)
	b = append(b, '-')
	b = appendPadded(b, d.m, 2)
	b = append(b, '-')
	return appendPadded(b, d.d, 2)
}

// appendCompact appends YYYYMMDD (as in an ID number).
func appendCompact(b []byte, d day) []byte {
	b = appendPadded(b, d.y, 4)
	b = appendPadded(b, d.m, 2)
	return appendPadded(b, d.d, 2)
}

// appendPadded appends n in decimal with at least width digits.
func appendPadded(b []byte, n, width int) []byte {
	var tmp [20]byte
	i := len(tmp)
	for n > 0 || i == len(tmp) {
		i--
		tmp[i] = byte('0' + n%10)
		n /= 10
	}
	for len(tmp)-i < width {
		i--
		tmp[i] = '0'
	}
	return append(b, tmp[i:]...)
}
