package message

import (
	"fmt"
	"time"
)

// Question is one question of the satisfaction survey as the customer reads it.
type Question struct {
	Field    string // the answer's field
	Text     string
	Label    string // a short name of the question, for the page naming it as answered wrong
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
			{"solved", "Is your problem solved?", "Problem solved", "boolean", 0, 0, true},
			{"csat", "Overall, how satisfied are you? (1 = very unsatisfied, 5 = very satisfied)", "Overall satisfaction", "integer", 1, 5, true},
			{"response_speed", "How satisfied are you with how fast we responded? (1–5)", "Response speed", "integer", 1, 5, false},
			{"problem_solved", "How well did we solve your problem? (1–5)", "Problem resolution", "integer", 1, 5, false},
			{"service_attitude", "How satisfied are you with our staff's attitude? (1–5)", "Service attitude", "integer", 1, 5, false},
			{"nps", "How likely are you to recommend us to a friend? (0–10)", "Recommendation", "integer", 0, 10, false},
			{"ces", "How much effort did it take to get your problem handled? (1 = very little, 7 = a lot)", "Effort", "integer", 1, 7, false},
			{"comment", "What could we do better?", "Suggestions", "string", 0, 2000, false},
		}
	}
	return []Question{
		{"solved", "您的问题解决了吗？", "问题是否解决", "boolean", 0, 0, true},
		{"csat", "整体满意度（1 = 非常不满意，5 = 非常满意）", "整体满意度", "integer", 1, 5, true},
		{"response_speed", "您对我们的响应速度满意吗？（1–5）", "响应速度", "integer", 1, 5, false},
		{"problem_solved", "您对问题的解决情况满意吗？（1–5）", "问题解决", "integer", 1, 5, false},
		{"service_attitude", "您对我们的服务态度满意吗？（1–5）", "服务态度", "integer", 1, 5, false},
		{"nps", "您向朋友推荐我们的可能性有多大？（0–10）", "推荐意愿", "integer", 0, 10, false},
		{"ces", "处理您的问题花了您多少力气？（1 = 很少，7 = 很多）", "费力程度", "integer", 1, 7, false},
		{"comment", "您还有什么建议？", "建议", "string", 0, 2000, false},
	}
}

// SurveyWords are the survey page's fixed words in locale.
type SurveyWords struct {
	Yes, No, Optional, Send, Closed string
	Verified, Dissatisfied          string // the answer's thanks, by outcome
	// Title is the title of the page a link that cannot be used opens.
	Title string
	// Answered: the survey was already answered.
	Answered string
	// Invalid: the link is not one of ours (altered, cut short); Unknown: it was
	// ours but names no survey any more.
	Invalid, Unknown string
	// Sending shows while the answer is on its way.
	Sending string
	// Check asks to correct the answers to the questions it names (%s: their
	// labels joined by Separator); CheckAll is the same without names.
	Check, CheckAll, Separator string
	// Failed: the answer could not be sent (offline, an outage); trying again may work.
	Failed string
}

// SurveyPageWords returns the survey page's fixed words in locale.
func SurveyPageWords(locale Locale) SurveyWords {
	if locale == En {
		return SurveyWords{
			Yes: "Yes", No: "No", Optional: "optional", Send: "Send", Closed: "This survey is closed. Thank you.",
			Verified:     "Thank you: your answer confirms the fix and your complaint will be closed.",
			Dissatisfied: "Thank you. We are sorry the problem is not solved: your complaint is open again and its owner's manager has been told.",
			Title:        "Satisfaction survey",
			Answered:     "This survey was already answered. Thank you.",
			Invalid:      "This survey link is not valid. Please open the whole link from our message.",
			Unknown:      "This survey link is no longer valid.",
			Sending:      "Sending…",
			Check:        "Please check your answer to: %s.",
			CheckAll:     "Please check your answers and send them again.",
			Separator:    ", ",
			Failed:       "Your answer could not be sent. Please try again.",
		}
	}
	return SurveyWords{
		Yes: "是", No: "否", Optional: "选填", Send: "提交", Closed: "本调查已结束，谢谢。",
		Verified:     "谢谢！您的回答确认问题已解决，我们将关闭您的投诉。",
		Dissatisfied: "谢谢。很抱歉问题尚未解决：您的投诉已重新打开，并已通知负责人的主管。",
		Title:        "满意度调查",
		Answered:     "您已回答过本调查，谢谢。",
		Invalid:      "此调查链接无效，请打开我们消息中的完整链接。",
		Unknown:      "此调查链接已失效。",
		Sending:      "正在提交…",
		Check:        "请检查以下问题的回答：%s。",
		CheckAll:     "请检查您的回答后重新提交。",
		Separator:    "、",
		Failed:       "提交失败，请稍后重试。",
	}
}

// SurveyLinkExpired says that the survey link expired at at, shown in zone as
// every customer text shows times (FormatTime).
func SurveyLinkExpired(locale Locale, at time.Time, zone *time.Location) string {
	when := FormatTime(Time(at), locale, zone)
	if locale == En {
		return fmt.Sprintf("This survey link expired on %s.", when)
	}
	return fmt.Sprintf("本调查链接已于%s过期。", when)
}
