package synth

// makeHousehold draws where a household lives: a village of a town of its
// county, the address of household registration, where its members
// actually live (mostly the same place; some in the county seat, some
// working far away), and whether it is Hui.
func (g *gen) makeHousehold(r *rng, c *county, n int) household {
	t := &c.towns[r.intn(len(c.towns))]
	v := t.villages[r.intn(len(t.villages))]
	b := append(g.scratch[:0], prefix...)
	b = append(b, c.name...)
	b = append(b, t.name...)
	b = append(b, v.name...)
	if t.street {
		b = append(b, roads[r.intn(len(roads))]...)
		b = appendPadded(b, r.between(1, 300), 1)
		b = append(b, "号"...)
	} else {
		b = appendPadded(b, r.between(1, 12), 1)
		b = append(b, "组"...)
		b = appendPadded(b, r.between(1, 99), 1)
		b = append(b, "号"...)
	}
	h := household{town: t, village: v, addr: string(b), hui: r.chance(0.01)}
	h.current = h.addr
	switch x := r.intn(100); {
	case x < 11:
		b = append(g.scratch[:0], prefix...)
		b = append(b, c.name...)
		b = append(b, c.seat...)
		b = append(b, roads[r.intn(len(roads))]...)
		b = appendPadded(b, r.between(1, 300), 1)
		b = append(b, "号"...)
		h.current = string(b)
	case x < 18:
		b = append(g.scratch[:0], away[r.intn(len(away))]...)
		b = append(b, awayRoads[r.intn(len(awayRoads))]...)
		b = appendPadded(b, r.between(1, 500), 1)
		b = append(b, "号"...)
		h.current = string(b)
	}
	b = append(g.scratch[:0], c.code[4:6]...)
	h.no = string(appendPadded(b, n, 7))
	return h
}
