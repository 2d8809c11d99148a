"""The columns and sheet of zujuan's 答题登记表 (answer sheet), shared by score and score_moodle."""

ID_HEADER, NAME_HEADER, FORM_HEADER = "准考证号", "姓名", "试卷编号"
RESPONSE_SHEET = "答题登记"
