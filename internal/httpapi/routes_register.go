package httpapi

// registerRoutes are the routes of the register, its links, coverage and search.
func (a *api) registerRoutes() []route {
	return []route{}
}
