/*
 * errors.c - the table behind errors.h.
 */
#include <stddef.h>

#include "errors.h"

struct errors_entry {
	Tdkt__ErrorCode	 code;
	const char	*name;
	const char	*message_vi;
};

static const struct errors_entry errors_table[] = {
	{ TDKT__ERROR_CODE__ERROR_CODE_UNSPECIFIED, "unspecified",
	  "Lỗi không xác định" },
	{ TDKT__ERROR_CODE__ERROR_CODE_MALFORMED, "malformed",
	  "Yêu cầu không đúng định dạng" },
	{ TDKT__ERROR_CODE__ERROR_CODE_VERSION, "version",
	  "Phiên bản giao thức không được hỗ trợ; hãy cập nhật chương trình" },
	{ TDKT__ERROR_CODE__ERROR_CODE_UNKNOWN_TYPE, "unknown_type",
	  "Máy chủ không hỗ trợ loại yêu cầu này" },
	{ TDKT__ERROR_CODE__ERROR_CODE_TOO_LARGE, "too_large",
	  "Yêu cầu vượt quá kích thước cho phép" },
	{ TDKT__ERROR_CODE__ERROR_CODE_INVALID_ARGUMENT, "invalid_argument",
	  "Dữ liệu gửi lên không hợp lệ" },
	{ TDKT__ERROR_CODE__ERROR_CODE_UNAVAILABLE, "unavailable",
	  "Dịch vụ tạm thời không sẵn sàng; vui lòng thử lại sau" },
	{ TDKT__ERROR_CODE__ERROR_CODE_TIMEOUT, "timeout",
	  "Hết thời gian chờ xử lý" },
	{ TDKT__ERROR_CODE__ERROR_CODE_INTERNAL, "internal",
	  "Lỗi nội bộ của máy chủ" },
	{ TDKT__ERROR_CODE__ERROR_CODE_SHUTTING_DOWN, "shutting_down",
	  "Máy chủ đang dừng; vui lòng thử lại sau" },
	{ TDKT__ERROR_CODE__ERROR_CODE_JOB_FAILED, "job_failed",
	  "Tác vụ xử lý không thành công" },
	{ TDKT__ERROR_CODE__ERROR_CODE_NOT_FOUND, "not_found",
	  "Không tìm thấy dữ liệu yêu cầu" },
	{ TDKT__ERROR_CODE__ERROR_CODE_DEADLINE_PASSED, "deadline_passed",
	  "Đã quá thời hạn theo quy định thi đua" },
	{ TDKT__ERROR_CODE__ERROR_CODE_UNAUTHENTICATED, "unauthenticated",
	  "Chưa đăng nhập, phiên đã hết hạn hoặc tên đăng nhập, mật khẩu "
	  "không đúng" },
	{ TDKT__ERROR_CODE__ERROR_CODE_PERMISSION_DENIED, "permission_denied",
	  "Tài khoản của bạn không có quyền thực hiện việc này" },
	{ TDKT__ERROR_CODE__ERROR_CODE_RATE_LIMITED, "rate_limited",
	  "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau" },
	{ TDKT__ERROR_CODE__ERROR_CODE_PASSWORD_CHANGE_REQUIRED,
	  "password_change_required",
	  "Bạn cần đổi mật khẩu trước khi tiếp tục (lệnh `tdkt password`)" },
	{ TDKT__ERROR_CODE__ERROR_CODE_ALREADY_EXISTS, "already_exists",
	  "Đã có dữ liệu trùng tên" },
	{ TDKT__ERROR_CODE__ERROR_CODE_CONFLICT, "conflict",
	  "Hồ sơ đang ở trạng thái không cho phép việc này, hoặc vừa được "
	  "người khác thay đổi" },
	{ TDKT__ERROR_CODE__ERROR_CODE_INTEGRITY, "integrity",
	  "Dữ liệu tệp bị hỏng (mã kiểm tra SHA-256 không khớp)" },
	{ TDKT__ERROR_CODE__ERROR_CODE_OUTCOME_UNKNOWN, "outcome_unknown",
	  "Không xác định được việc gửi đã thành công hay chưa; cần quản trị "
	  "viên kiểm tra" },
};

static const struct errors_entry *
errors_find(Tdkt__ErrorCode code)
{
	for (size_t i = 0; i < sizeof errors_table / sizeof errors_table[0]; i++) {
		if (errors_table[i].code == code)
			return &errors_table[i];
	}
	return NULL;
}

const char *
errors_code_name(Tdkt__ErrorCode code)
{
	const struct errors_entry	*e = errors_find(code);

	return e != NULL ? e->name : "unknown";
}

const char *
errors_message_vi(Tdkt__ErrorCode code)
{
	const struct errors_entry	*e = errors_find(code);

	return e != NULL ? e->message_vi : "Lỗi không xác định";
}
