package app

import (
	"context"

	"github.com/govhall/govhall/internal/ids"
)

// wireHub gives the data hub what its read policy needs from identity
// (mandates, handlers, staff members' departments) and org (a token's department), and gives registration the
// hub's real-name check. Cases do not exist yet: Hub.Access.CaseInvolves
// stays nil, so staff read nobody's data until they do.
func (a *App) wireHub() {
	a.Hub.Access.ActingFor = a.Identity.ActingFor
	a.Hub.Access.Handling = a.Identity.HandlingOf
	a.Hub.Access.StaffDepartments = a.Identity.StaffDepartments
	a.Hub.Access.Org = a.Org
	a.Identity.RealName = a.realName
}

// realName checks a registering person against the population database;
// with an empty one (a fresh hall before any import) it lets them through
// and says so in the log.
func (a *App) realName(ctx context.Context, idNumber, name string) error {
	skipped, err := a.Hub.CheckRealName(ctx, idNumber, name)
	if skipped {
		a.Log.Warn("real-name check skipped: the population database is empty", "id_number", ids.MaskIDNumber(idNumber))
	}
	return err
}
