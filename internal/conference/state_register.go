package conference

// registerState is the working set of the register and its links.
type registerState struct {
	register map[string]*RegisterEntry
	links    map[string]*Link
}

func newRegisterState() registerState {
	return registerState{register: map[string]*RegisterEntry{}, links: map[string]*Link{}}
}

func (st *registerState) loadRegister(snap *Snapshot) {
	for i := range snap.Register {
		st.applyRegister(Change{Collection: Register, ID: snap.Register[i].ID, Doc: &snap.Register[i]})
	}
	for i := range snap.Links {
		st.applyRegister(Change{Collection: Links, ID: snap.Links[i].ID, Doc: &snap.Links[i]})
	}
}

func (st *registerState) applyRegister(ch Change) {
	switch ch.Collection {
	case Register:
		putOrDelete(st.register, ch)
	case Links:
		putOrDelete(st.links, ch)
	}
}
