package httpapi

// followupRoutes are the routes of outcomes, actions and their exports.
func (a *api) followupRoutes() []route {
	return []route{}
}
