// Element Plus' message and message box, in a chunk of their own that feedback.ts loads on first use.
import { ElMessage, ElMessageBox } from 'element-plus';

export { ElMessage, ElMessageBox };
