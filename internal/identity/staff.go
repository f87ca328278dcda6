package identity

import "context"

// StaffDepartments lists the departments in which a staff member holds a
// post, by id: what other packages ask instead of reading staff_posts
// themselves (the data hub's access log names them; licence issuing
// checks them).
func (s *Service) StaffDepartments(ctx context.Context, accountID int64) ([]int64, error) {
	sc, err := s.staffScope(ctx, accountID)
	return sc.DepartmentIDs, err
}
