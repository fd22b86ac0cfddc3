// Imported statically so that esbuild inlines them into the daemon bundle: no file to ship or find.

import apiUrlShortener from './builtin/api_url_shortener.json';
import authUserLogin from './builtin/auth_user_login.json';
import bookingCalendar from './builtin/booking_calendar.json';
import crudTodoList from './builtin/crud_todo_list.json';
import dashboardSalesMetrics from './builtin/dashboard_sales_metrics.json';
import expenseSplitter from './builtin/expense_splitter.json';
import fileUploadGallery from './builtin/file_upload_gallery.json';
import inventoryTracker from './builtin/inventory_tracker.json';
import jsonSchemaValidator from './builtin/json_schema_validator.json';
import kanbanBoard from './builtin/kanban_board.json';
import markdownNotes from './builtin/markdown_notes.json';
import quizApp from './builtin/quiz_app.json';
import realtimeChat from './builtin/realtime_chat.json';
import validationFormWizard from './builtin/validation_form_wizard.json';

/** A template file shipped inside the daemon, before validation. */
export interface BuiltinTemplateFile {
  fileName: string;
  data: unknown;
}

/** Every built-in template file, by file name; the catalog validates them like workspace files. */
export const builtinTemplates: readonly BuiltinTemplateFile[] = [
  { fileName: 'api_url_shortener.json', data: apiUrlShortener },
  { fileName: 'auth_user_login.json', data: authUserLogin },
  { fileName: 'booking_calendar.json', data: bookingCalendar },
  { fileName: 'crud_todo_list.json', data: crudTodoList },
  { fileName: 'dashboard_sales_metrics.json', data: dashboardSalesMetrics },
  { fileName: 'expense_splitter.json', data: expenseSplitter },
  { fileName: 'file_upload_gallery.json', data: fileUploadGallery },
  { fileName: 'inventory_tracker.json', data: inventoryTracker },
  { fileName: 'json_schema_validator.json', data: jsonSchemaValidator },
  { fileName: 'kanban_board.json', data: kanbanBoard },
  { fileName: 'markdown_notes.json', data: markdownNotes },
  { fileName: 'quiz_app.json', data: quizApp },
  { fileName: 'realtime_chat.json', data: realtimeChat },
  { fileName: 'validation_form_wizard.json', data: validationFormWizard },
];
