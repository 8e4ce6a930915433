package conference

import "fmt"

// checkVersion refuses an edit made on another version than the current one.
// A nil seen means the caller sent none; whether that is allowed is the
// caller's rule, not this one's.
func checkVersion(what string, seen *int64, current int64, cur any) error {
	if seen == nil || *seen == current {
		return nil
	}
	return &Error{Code: ESTALE, Field: "version", Current: cur,
		Message: fmt.Sprintf("The %s was changed by someone else (version %d, you edited %d); review the current version and save again.", what, current, *seen)}
}

// defaultVersion makes a versioned document that was stored before it had a
// version (version 0 after decoding) version 1, so that an editor's first
// read and the stored document agree on what they are editing.
func defaultVersion(doc any) {
	switch d := doc.(type) {
	case *Meeting:
		d.Version = max(d.Version, 1)
	case *Topic:
		d.Version = max(d.Version, 1)
	case *Delegation:
		d.Version = max(d.Version, 1)
	case *User:
		d.Version = max(d.Version, 1)
	case *Session:
		d.Version = max(d.Version, 1)
	case *Outcome:
		d.Version = max(d.Version, 1)
	case *Action:
		d.Version = max(d.Version, 1)
	case *RegisterEntry:
		d.Version = max(d.Version, 1)
	}
}

// defaultVersions applies defaultVersion to every versioned document of snap.
func defaultVersions(snap *Snapshot) {
	each := func(n int, f func(i int) any) {
		for i := range n {
			defaultVersion(f(i))
		}
	}
	each(len(snap.Meetings), func(i int) any { return &snap.Meetings[i] })
	each(len(snap.Topics), func(i int) any { return &snap.Topics[i] })
	each(len(snap.Delegations), func(i int) any { return &snap.Delegations[i] })
	each(len(snap.Users), func(i int) any { return &snap.Users[i] })
	each(len(snap.Sessions), func(i int) any { return &snap.Sessions[i] })
	each(len(snap.Outcomes), func(i int) any { return &snap.Outcomes[i] })
	each(len(snap.Actions), func(i int) any { return &snap.Actions[i] })
	each(len(snap.Register), func(i int) any { return &snap.Register[i] })
}
