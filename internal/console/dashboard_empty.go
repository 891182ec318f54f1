package console

// A table or chart with nothing to show says so in words (dashboard.html), rather
// than a header row alone, a column of blank cells or bare axes.

// Empty reports whether the table holds no figure: no rows, or every value null.
// A zero is a figure (no complaints that week); a null is a rate or time with
// nothing behind it.
func (t dashTable) Empty() bool {
	for _, r := range t.Rows {
		for _, v := range r.Values {
			if v != nil {
				return false
			}
		}
	}
	return true
}

// Span is the number of the table's columns, for the row that says it is empty.
func (t dashTable) Span() int { return len(t.Cols) + 1 }

// Empty reports whether the chart has nothing to draw: no rows, no heat map cell,
// or no point on any of its lines.
func (c dashChart) Empty() bool {
	if c.Kind == "heatmap" {
		return len(c.Cells) == 0
	}
	for _, s := range c.Series {
		for _, v := range s.Data {
			if v != nil {
				return false
			}
		}
	}
	return true
}
