package web

import "testing"

// Lists read naturally in each language: 、 between Chinese items, a comma
// between English ones.
func TestJoinList(t *testing.T) {
	items := []string{"听证", "专家评审"}
	if got := joinList("zh-CN", items); got != "听证、专家评审" {
		t.Errorf("zh-CN: %q", got)
	}
	if got := joinList("en", []string{"hearing", "expert review"}); got != "hearing, expert review" {
		t.Errorf("en: %q", got)
	}
}
