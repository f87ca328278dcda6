package identity_test

import (
	"context"
	"testing"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/db/dbtest"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
)

// Registration asks the real-name check (the data hub's, wired in by the
// app) with the normalised ID number and the trimmed name; its refusal is
// the person's field error and nothing is created. Without a check, or
// when it passes, the person registers.
func TestRegisterPersonRealNameCheck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := service(t, d)
		ctx := context.Background()
		var asked [][2]string
		s.RealName = func(_ context.Context, idNumber, name string) error {
			asked = append(asked, [2]string{idNumber, name})
			if name != "李想" {
				return errs.Field("name", "hub.realname.mismatch", nil)
			}
			return nil
		}
		_, err := s.RegisterPerson(ctx, identity.PersonForm{Name: "李响", IDNumber: "３４１６０２１９８８０７１５００３６",
			Phone: "13800001234", Password: "zhaozhuang-2015"})
		if got := fields(err); got != "name:hub.realname.mismatch" || count(t, d, "accounts") != 0 {
			t.Fatalf("a name that is not the ID number's: %s, %d accounts", got, count(t, d, "accounts"))
		}
		if _, err := s.RegisterPerson(ctx, identity.PersonForm{Name: " 李想 ", IDNumber: liXiang, Phone: "13800001234",
			Password: "zhaozhuang-2015"}); err != nil {
			t.Fatal(err)
		}
		if len(asked) != 2 || asked[0] != [2]string{liXiang, "李响"} || asked[1] != [2]string{liXiang, "李想"} {
			t.Errorf("the check was asked %v", asked)
		}
		// A form with other mistakes is refused before the check is asked.
		asked = nil
		_, _ = s.RegisterPerson(ctx, identity.PersonForm{Name: "李想", IDNumber: "1", Phone: "1", Password: "x"})
		if len(asked) != 0 {
			t.Errorf("the check was asked for an invalid form: %v", asked)
		}
	})
}
