package notify

// Exported for the black-box tests' fuzzing of the validator and the mask.
var (
	ValidPhone = validPhone
	Mask       = mask
)
