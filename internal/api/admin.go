package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/govhall/govhall/internal/db"
	"github.com/govhall/govhall/internal/errs"
	"github.com/govhall/govhall/internal/identity"
	"github.com/govhall/govhall/internal/org"
)

// The security administrator's accounts, as on the administrators' pages:
// the list (masked), creating the kinds identity.ManagedKinds names, and
// disabling or re-enabling an account. The policy admits only the
// security administrator to these routes.

// AdminAccount is an account as the security administrator sees it.
type AdminAccount struct {
	Account
	Status         string     `json:"status"`
	LockedUntil    *time.Time `json:"locked_until,omitempty"`
	ServicePointID int64      `json:"service_point_id,omitempty"`
}

func adminAccountOut(a identity.Account) AdminAccount {
	out := AdminAccount{Account: accountOut(a), Status: a.Status, ServicePointID: a.ServicePointID}
	if !a.LockedUntil.IsZero() {
		t := a.LockedUntil.UTC()
		out.LockedUntil = &t
	}
	return out
}

// AccountPage is one page of the list of accounts.
type AccountPage struct {
	Items []AdminAccount `json:"items"`
	Total int            `json:"total"`
	Page  int            `json:"page"`
	Pages int            `json:"pages"`
}

// NewAccount is the form for a staff, agent, supervisor or catalog
// administrator account. JurisdictionCode is where they work (the city or a
// county-level division); staff hold posts of its departments, an agent
// serves at one of the village proxy points under it.
type NewAccount struct {
	Kind             string  `json:"kind"`
	Login            string  `json:"login"`
	Name             string  `json:"name"`
	IDNumber         string  `json:"id_number"`
	Phone            string  `json:"phone"`
	Password         string  `json:"password"`
	JurisdictionCode string  `json:"jurisdiction_code"`
	PostIDs          []int64 `json:"post_ids"`
	ServicePointID   int64   `json:"service_point_id"`
}

// StatusChange disables or re-enables an account.
type StatusChange struct {
	Status string `json:"status"`
}

// listAccounts returns one page (identity.AccountsPage accounts) of one
// kind or of all, newest first.
func (a *API) listAccounts(r *http.Request) (any, error) {
	q := r.URL.Query()
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, errs.Field("page", "api.error.page", nil)
		}
		page = n
	}
	list, total, err := a.c.Identity.ListAccounts(r.Context(), q.Get("kind"), (page-1)*identity.AccountsPage, identity.AccountsPage)
	if err != nil {
		return nil, err
	}
	out := AccountPage{Items: make([]AdminAccount, 0, len(list)), Total: total, Page: page,
		Pages: max(1, (total+identity.AccountsPage-1)/identity.AccountsPage)}
	for _, acc := range list {
		out.Items = append(out.Items, adminAccountOut(acc))
	}
	return out, nil
}

// createAccount creates the account through identity.CreateManaged, with
// the page's checks of where the person works: a division that has
// departments, posts of its departments, a proxy point under it.
func (a *API) createAccount(r *http.Request) (any, error) {
	var in NewAccount
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	// Without a division there is nothing to check the rest against (the
	// page asks for it first, too).
	j, err := a.c.Org.Jurisdiction(r.Context(), in.JurisdictionCode)
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	if err != nil || (j.Level != org.City && j.Level != org.County) {
		return nil, errs.Field("jurisdiction_code", "api.error.place", nil)
	}
	f := identity.StaffForm{Kind: in.Kind, Login: in.Login, Name: in.Name, IDNumber: in.IDNumber, Phone: in.Phone,
		Password: in.Password, JurisdictionCode: j.Code}
	choiceErr := a.placeChoices(r.Context(), j, in, &f)
	if choiceErr != nil && errs.CodeOf(choiceErr) != errs.Invalid {
		return nil, choiceErr
	}
	acc, err := a.c.Identity.CreateManaged(r.Context(), f)
	if err = errs.Join(choiceErr, err); err != nil {
		return nil, err
	}
	return reply{status: http.StatusCreated, body: adminAccountOut(acc)}, nil
}

// placeChoices puts into f the posts (staff) or the proxy point (agents)
// of in that the division offers. One it does not offer is a mistake in
// its field, and the choice is dropped, so the account is not created.
func (a *API) placeChoices(ctx context.Context, j org.Jurisdiction, in NewAccount, f *identity.StaffForm) error {
	switch in.Kind {
	case identity.Staff:
		offered := map[int64]bool{}
		deps, err := a.c.Org.Departments(ctx, j.Code)
		if err != nil {
			return err
		}
		for _, d := range deps {
			posts, err := a.c.Org.Posts(ctx, d.ID)
			if err != nil {
				return err
			}
			for _, p := range posts {
				offered[p.ID] = true
			}
		}
		for _, id := range in.PostIDs {
			if !offered[id] {
				f.PostIDs = nil
				return errs.Field("post_ids", "api.error.choice", nil)
			}
			f.PostIDs = append(f.PostIDs, id)
		}
	case identity.Agent:
		pts, err := a.c.Org.ServicePoints(ctx, j)
		if err != nil {
			return err
		}
		for _, p := range pts {
			if p.Kind == org.Proxy && p.ID == in.ServicePointID {
				f.ServicePointID, f.JurisdictionCode = p.ID, p.JurisdictionCode
				return nil
			}
		}
		if in.ServicePointID != 0 {
			return errs.Field("service_point_id", "api.error.choice", nil)
		}
	}
	return nil
}

// setStatus disables or re-enables an account (disabling signs it out
// everywhere) and returns it as it now is.
func (a *API) setStatus(r *http.Request) (any, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	var in StatusChange
	if err := decode(r, &in); err != nil {
		return nil, err
	}
	if err := a.c.Identity.SetStatus(r.Context(), id, in.Status); err != nil {
		return nil, err
	}
	acc, err := a.c.Identity.Account(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return adminAccountOut(acc), nil
}
