package conference

// RegisterEntry is one capacity-building activity in the register. (Issue 5
// fills in its fields and behaviour.)
type RegisterEntry struct {
	ID string `json:"id" bson:"_id"`
}

// Link ties a topic, note, outcome or action to a register entry. (Issue 5.)
type Link struct {
	ID string `json:"id" bson:"_id"`
}
