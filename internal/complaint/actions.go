package complaint

import "slices"

// Action names what staff do to a complaint, as the API's paths and the console's
// forms name it.
type Action string

// The actions on a complaint.
const (
	ActionAcknowledge Action = "acknowledge"
	ActionProgress    Action = "progress"
	ActionPause       Action = "pause"
	ActionResume      Action = "resume"
	ActionResolve     Action = "resolve"
	ActionEscalate    Action = "escalate"
	ActionCompensate  Action = "compensate"
	ActionHandover    Action = "handover"
	ActionReopen      Action = "reopen"
	ActionClose       Action = "close"
)

// ActionStatuses are the statuses in which the complaint workflow takes action a
// (none for an unknown action), so the console offers only what it would take.
// An acknowledgement is a first response: an open complaint's or, while a round
// the customer's dissatisfied survey answer reopened awaits its first response
// (awaitingResponse), that in-progress round's. Such a round is not paused until
// it is acknowledged: a complaint waiting on a customer nobody has answered would
// keep the first-response clock running where acknowledging is not valid. The
// workflow may refuse an action for more than this (an escalation while another
// awaits its decision, a field missing).
func ActionStatuses(a Action, awaitingResponse bool) []Status {
	switch a {
	case ActionAcknowledge:
		if awaitingResponse {
			return []Status{StatusInProgress}
		}
		return []Status{StatusOpen}
	case ActionPause:
		if awaitingResponse {
			return nil
		}
		return []Status{StatusInProgress}
	case ActionResume:
		return []Status{StatusWaitingOnCustomer}
	case ActionReopen, ActionClose:
		return []Status{StatusResolved}
	case ActionProgress, ActionResolve, ActionEscalate, ActionCompensate, ActionHandover:
		// While the complaint awaits resolution (Active).
		return slices.DeleteFunc(slices.Clone(Statuses), func(s Status) bool { return !s.Active() })
	}
	return nil
}

// Allows reports whether a complaint in status s takes action a (ActionStatuses).
func Allows(s Status, a Action, awaitingResponse bool) bool {
	return Valid(s, ActionStatuses(a, awaitingResponse))
}
