package message

// Question is one question of the satisfaction survey as the customer reads it.
type Question struct {
	Field    string // the answer's field
	Text     string
	Kind     string // "boolean", "integer" (a scale from Min to Max) or "string"
	Min, Max int
	Required bool
}

// SurveyQuestions are the survey's questions in locale (DOMAIN.md §2 and the seeds'
// survey, 002 §10.1: 整体满意度、响应速度、问题解决、服务态度 on 5-point scales plus
// an open question, beside NPS and CES). Their wording is fixed per locale; the
// page's title and introduction are the template SurveyPage.
func SurveyQuestions(locale Locale) []Question {
	if locale == En {
		return []Question{
			{"solved", "Is your problem solved?", "boolean", 0, 0, true},
			{"csat", "Overall, how satisfied are you? (1 = very unsatisfied, 5 = very satisfied)", "integer", 1, 5, true},
			{"response_speed", "How satisfied are you with how fast we responded? (1–5)", "integer", 1, 5, false},
			{"problem_solved", "How well did we solve your problem? (1–5)", "integer", 1, 5, false},
			{"service_attitude", "How satisfied are you with our staff's attitude? (1–5)", "integer", 1, 5, false},
			{"nps", "How likely are you to recommend us to a friend? (0–10)", "integer", 0, 10, false},
			{"ces", "How much effort did it take to get your problem handled? (1 = very little, 7 = a lot)", "integer", 1, 7, false},
			{"comment", "What could we do better?", "string", 0, 2000, false},
		}
	}
	return []Question{
		{"solved", "您的问题解决了吗？", "boolean", 0, 0, true},
		{"csat", "整体满意度（1 = 非常不满意，5 = 非常满意）", "integer", 1, 5, true},
		{"response_speed", "您对我们的响应速度满意吗？（1–5）", "integer", 1, 5, false},
		{"problem_solved", "您对问题的解决情况满意吗？（1–5）", "integer", 1, 5, false},
		{"service_attitude", "您对我们的服务态度满意吗？（1–5）", "integer", 1, 5, false},
		{"nps", "您向朋友推荐我们的可能性有多大？（0–10）", "integer", 0, 10, false},
		{"ces", "处理您的问题花了您多少力气？（1 = 很少，7 = 很多）", "integer", 1, 7, false},
		{"comment", "您还有什么建议？", "string", 0, 2000, false},
	}
}

// SurveyWords are the survey page's fixed words in locale.
type SurveyWords struct {
	Yes, No, Optional, Send, Closed string
	Verified, Dissatisfied          string // the answer's thanks, by outcome
}

// SurveyPageWords returns the survey page's fixed words in locale.
func SurveyPageWords(locale Locale) SurveyWords {
	if locale == En {
		return SurveyWords{
			Yes: "Yes", No: "No", Optional: "optional", Send: "Send", Closed: "This survey is closed. Thank you.",
			Verified:     "Thank you: your answer confirms the fix and your complaint will be closed.",
			Dissatisfied: "Thank you. We are sorry the problem is not solved: your complaint is open again and its owner's manager has been told.",
		}
	}
	return SurveyWords{
		Yes: "是", No: "否", Optional: "选填", Send: "提交", Closed: "本调查已结束，谢谢。",
		Verified:     "谢谢！您的回答确认问题已解决，我们将关闭您的投诉。",
		Dissatisfied: "谢谢。很抱歉问题尚未解决：您的投诉已重新打开，并已通知负责人的主管。",
	}
}
